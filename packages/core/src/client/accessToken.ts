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
  getAccessToken(): Promise<string>;
  refresh(): Promise<void>;
}

export function createTokenAccess({ session, timing, limiter, refresher, callbackInFlight }: TokenAccessDeps): TokenAccess {
  /** The access token once a refresh settled: a still valid one survives a failed refresh. */
  const afterRefresh = async (): Promise<string> => {
    try {
      await refresher.run(false);
    } catch (error) {
      const current = session.current();
      if (current && !timing.isExpired(current)) return current.tokens.accessToken;
      throw error;
    }
    const current = session.current();
    if (!current) throw loginRequired('the session ended');
    return current.tokens.accessToken;
  };

  return {
    async getAccessToken() {
      await callbackInFlight();
      const current = session.current();
      if (!current) throw loginRequired('there is no session');
      if (!timing.isDue(current)) return current.tokens.accessToken;
      // Due: the refresher decides (no refresh token, backing off, at the limit) and refuses
      // without a request; a still valid token is returned whatever it decided.
      return afterRefresh();
    },
    async refresh() {
      if (!session.current()) throw loginRequired('there is no session');
      // An explicit refresh may skip the backoff wait, never the per-minute limit.
      limiter.skipBackoff();
      await refresher.run(true);
    },
  };
}
