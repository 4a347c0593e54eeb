import { AuthError } from '../errors.js';
import { isObject } from '../objects.js';
import type { LogoutOptions } from '../types.js';
import { tryUrl } from '../url.js';
import type { BffConfig } from './options.js';
import { ask, type BffSession } from './session.js';

/** Signing out at the BFF, and what a login started meanwhile needs to know about it. */
export interface BffLogout {
  logout(options?: LogoutOptions): Promise<void>;
  /**
   * Whether the page is leaving for a logout's `redirectTo`: a logout since `since` (a value of
   * {@link departures}) went there, or one on its way does once it settles.
   */
  leaving(since: number): Promise<boolean>;
  /** How many logouts have navigated to their `redirectTo` on this page. */
  departures(): number;
}

/** `redirectTo` of `POST /bff/logout`'s answer: an http(s) URL (relative to the BFF), or null when it has none. */
function redirectOf(body: unknown, origin: string): string | null {
  const value = isObject(body) ? body.redirectTo : undefined;
  const url = typeof value === 'string' ? tryUrl(value, origin) : undefined;
  // Never `javascript:` or another scheme, whoever answered.
  if (url && /^https?:$/.test(url.protocol)) return url.href;
  if (value == null) return null;
  throw new AuthError('invalid_config', `POST /bff/logout answered redirectTo ${JSON.stringify(value)}, not an http(s) URL: not followed`);
}

export function createBffLogout(config: BffConfig, session: BffSession): BffLogout {
  let departures = 0;
  let onItsWay: Promise<unknown> | undefined;

  async function signOut(opts: LogoutOptions): Promise<void> {
    if (opts.returnTo !== undefined) throw new AuthError('invalid_config', 'logout({ returnTo }): with createBffClient, set `postLogoutRedirectUri` on the BFF instead');
    // Over from here on: a guard may start a login now, which waits for this (see `leaving`).
    session.signedOut();
    let to: string | null;
    try {
      // A 401 is null: no session at the BFF (expired, or ended in another tab), nothing to end.
      const body = await ask(config, 'logout', 'POST');
      to = body === null ? null : redirectOf(body, config.origin());
    } catch (error) {
      // Signed out here either way; the error says the BFF may still hold the session.
      session.setError(error as AuthError);
      return;
    }
    if (!to || opts.localOnly || !session.live()) return;
    config.navigate(to);
    departures++;
  }

  return {
    logout(opts = {}) {
      const run = signOut(opts);
      onItsWay = run.catch(() => undefined);
      return run;
    },
    async leaving(since) {
      await onItsWay;
      return departures !== since;
    },
    departures: () => departures,
  };
}
