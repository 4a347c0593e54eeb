import { AuthError } from '../errors.js';
import type { AuthClient } from '../types.js';
import { pageLocation } from '../url.js';
import { createBffLogin } from './login.js';
import { createBffLogout } from './logout.js';
import { resolveBffOptions, type BffClientOptions, type BffConfig } from './options.js';
import { createBffSession, type BffSession } from './session.js';

export type { BffClientOptions } from './options.js';

/** What the token methods answer: in BFF mode there is no token in the browser to give. */
const tokensStayOnServer = (call: string) => (): Promise<never> =>
  Promise.reject(new AuthError('invalid_config', `${call}: with createBffClient the tokens stay on the BFF; call APIs with auth.fetch() through it (it completes logins at /bff/callback: mount no <Callback>)`));

/**
 * `auth.fetch` in BFF mode: the CSRF header and the session cookie, to the BFF's origin only
 * (its proxied API paths); a 401 means the session is over here too.
 */
function createBffFetch(config: BffConfig, session: BffSession): AuthClient['fetch'] {
  return async (input, init) => {
    const origin = config.origin();
    // A relative URL resolves against the page, as the browser's own fetch would.
    const request = new Request(typeof input === 'string' ? new URL(input, pageLocation()?.href ?? origin).href : input, init);
    if (new URL(request.url).origin !== origin) {
      throw new AuthError('invalid_config', `auth.fetch(): ${request.url} is not on the BFF's origin ${origin}; proxy that API through the BFF (its \`apis\`)`);
    }
    const response = await config.send(request);
    if (response.status === 401) session.signedOut();
    return response;
  };
}

/**
 * Creates the browser's client of a Backend for Frontend (`@pkce-auth/bff`): the same
 * {@link AuthClient} as {@link createAuthClient}, so `AuthProvider`, `useAuth` and `RequireAuth`
 * work unchanged, but no token ever reaches the page: the BFF holds them and its session cookie
 * (`HttpOnly`) is all the browser has. Pulls in none of oauth4webapi.
 *
 * - The first state is `loading` until `GET /bff/user` answers (one request): `authenticated`
 *   with its `user` (`tokens` stays null), `unauthenticated` on 401, `error` (`network_error`)
 *   when the BFF cannot be reached or answers a 5xx.
 * - `login({ returnTo })` navigates to `/bff/login?returnTo=<same-origin path>`; `login({ params })`
 *   rejects `invalid_config` (the BFF builds the authorization request).
 * - `logout()` is `unauthenticated` at once, POSTs `/bff/logout` and navigates to the answer's
 *   `redirectTo` (http(s) only); a login started meanwhile does not navigate. `localOnly` ends the
 *   BFF session without that navigation; `returnTo` rejects `invalid_config` (the BFF decides).
 * - `fetch` sends `X-CSRF: 1` and the cookies to the BFF's origin only (any other rejects
 *   `invalid_config`, nothing sent); any 401 answer makes the state `unauthenticated`.
 * - `getAccessToken`, `getAuthHeaders` and `handleCallback` reject `invalid_config`: the BFF
 *   completes the login at `/bff/callback` itself, so a BFF app mounts no `<Callback>`.
 * - `refresh()` re-reads `/bff/user`.
 * - `restoreSession()` resolves once `/bff/user` has answered: the BFF's session lives at the
 *   server, so there is nothing to restore in the browser (no `prompt=none` round trip).
 * - `loginWithPopup()` rejects `invalid_config`: the BFF completes logins at `/bff/callback` in
 *   the window that started them; use `login()`.
 *
 * @throws AuthError `invalid_config` when an option is unusable (the message names it).
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-browser-based-apps#name-backend-for-frontend-bff
 */
export function createBffClient(options: BffClientOptions = {}): AuthClient {
  const config = resolveBffOptions(options);
  const session = createBffSession(config);
  const logout = createBffLogout(config, session);
  // Only a page has a session cookie to show; on a server (rendering) the state stays `loading`.
  if (pageLocation()) session.read().catch(() => undefined);

  return {
    getState: session.getState,
    subscribe: session.subscribe,
    login: createBffLogin(config, logout, session),
    handleCallback: tokensStayOnServer('handleCallback()'),
    getAccessToken: tokensStayOnServer('getAccessToken()'),
    getAuthHeaders: tokensStayOnServer('getAuthHeaders()'),
    loginWithPopup: () => Promise.reject(new AuthError('invalid_config', 'loginWithPopup(): with createBffClient the BFF completes the sign-in in the window that starts it; use login()')),
    restoreSession: session.read,
    refresh: session.read,
    logout: logout.logout,
    fetch: createBffFetch(config, session),
    destroy: session.destroy,
  };
}
