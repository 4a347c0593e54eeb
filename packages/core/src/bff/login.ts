import { AuthError } from '../errors.js';
import type { LoginOptions } from '../types.js';
import { normalizeReturnTo, pageLocation } from '../url.js';
import type { BffLogout } from './logout.js';
import type { BffConfig } from './options.js';
import type { BffSession } from './session.js';

/** Where to land after the BFF's callback: a same-origin path, never one of the BFF's own routes. */
function returnPath(returnTo: string | undefined, origin: string): string {
  const page = pageLocation();
  const path = normalizeReturnTo(returnTo ?? (page ? page.pathname + page.search + page.hash : '/'), origin);
  return /^\/bff(?:[/?#]|$)/.test(path) ? '/' : path;
}

/**
 * Creates `login()` of the BFF client: the browser goes to `/bff/login?returnTo=…`, where the
 * BFF runs the PKCE login as a confidential client. Concurrent calls share one login, and a
 * logout on its way wins over it.
 */
export function createBffLogin(
  config: BffConfig,
  logout: Pick<BffLogout, 'leaving' | 'departures'>,
  session: Pick<BffSession, 'live'>,
): (options?: LoginOptions) => Promise<void> {
  async function start(opts: LoginOptions): Promise<void> {
    if (opts.params && Object.keys(opts.params).length > 0) {
      throw new AuthError('invalid_config', 'login({ params }): with createBffClient, set `authorizeParams` on the BFF instead');
    }
    const origin = config.origin();
    const url = new URL('/bff/login', origin);
    url.searchParams.set('returnTo', returnPath(opts.returnTo, origin));
    // A logout on its way to its redirectTo wins over a login started meanwhile (e.g. a guard
    // reacting to the ended session before the page has left).
    const since = logout.departures();
    if ((await logout.leaving(since)) || !session.live()) return;
    config.navigate(url.href);
  }

  let inFlight: Promise<void> | undefined;
  return (opts = {}) =>
    (inFlight ??= start(opts).finally(() => {
      inFlight = undefined;
    }));
}
