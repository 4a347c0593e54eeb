import type { TokenOptions } from '../types.js';
import { parseTarget, tokenOf, type TokenTarget } from './apiTokens.js';
import type { RefreshLimiter } from './refreshLimiter.js';
import type { Refresher } from './refresher.js';
import { loginRequired } from './refreshRequest.js';
import type { Session } from './session.js';
import type { TokenTiming } from './tokenTiming.js';

export interface TokenAccessDeps {
  session: Session;
  timing: TokenTiming;
  limiter: RefreshLimiter;
  refresher: Refresher;
  /** A callback exchange on its way: callers wait for its session. */
  callbackInFlight(): Promise<unknown> | undefined;
}

/** `getAccessToken()` and `refresh()` of the client. */
export interface TokenAccess {
  getAccessToken(options?: TokenOptions): Promise<string>;
  /** Refreshes the target's token (default: the session's) now, within the limits. */
  refresh(target?: TokenTarget): Promise<void>;
}

export function createTokenAccess({ session, timing, limiter, refresher, callbackInFlight }: TokenAccessDeps): TokenAccess {
  const current = (target: TokenTarget) => tokenOf(session.current(), target);

  /** The access token once a refresh settled: a still valid one survives a failed refresh. */
  const afterRefresh = async (target: TokenTarget): Promise<string> => {
    try {
      await refresher.run(false, target);
    } catch (error) {
      const token = current(target);
      if (token && !timing.isExpired(token)) return token.tokens.accessToken;
      throw error;
    }
    const token = current(target);
    if (!token) throw loginRequired('the session ended');
    return token.tokens.accessToken;
  };

  return {
    async getAccessToken(options) {
      const target = parseTarget(options, 'getAccessToken(options)');
      await callbackInFlight();
      if (!session.current()) throw loginRequired('there is no session');
      const token = current(target);
      if (token && !timing.isDue(token)) return token.tokens.accessToken;
      // Due (or not fetched yet): the refresher decides (no refresh token, backing off, at the
      // limit) and refuses without a request; a still valid token is returned whatever it decided.
      return afterRefresh(target);
    },
    async refresh(target) {
      if (!session.current()) throw loginRequired('there is no session');
      // An explicit refresh may skip the backoff wait, never the per-minute limit.
      limiter.skipBackoff();
      await refresher.run(true, target);
    },
  };
}
