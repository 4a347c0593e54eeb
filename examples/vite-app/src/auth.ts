// DPoP support for `dpop: true` (VITE_AUTH_DPOP); without this import the SDK bundles none of it
// and `dpop: true` is `invalid_config`. The example keeps it so the switch is a variable only.
import '@pkce-auth/react/dpop';
import { createAuthClient, createBffClient } from '@pkce-auth/react';
import { audienceParams, config } from './config';

const authorizeParams = audienceParams();

/** What the tags API requires. */
export const TAGS_SCOPE = 'tags:read';

/**
 * The app's one session client. It lives at module scope, so code outside React (see `api.ts`)
 * can call `auth.fetch` or `auth.getAccessToken()`; `<AuthProvider client={auth}>` only wires it.
 *
 * In BFF mode (`VITE_AUTH_MODE=bff`, `pnpm dev:bff`) it is `createBffClient()` instead: the same
 * `AuthClient` for the same components, but the login, the tokens and their refresh live at the BFF
 * on this origin (`/bff/…`); `auth.fetch` calls the APIs through it (`/api/…`) with the CSRF header
 * and the HttpOnly session cookie, and `state.tokens` stays null.
 */
export const auth = config.authMode === 'bff' ? createBffClient() : browserClient();

/** The browser mode's client: the app is the OAuth client (`notes-spa`) and keeps the tokens in `storage`. */
function browserClient() {
  return createAuthClient({
    issuer: config.issuer,
    clientId: config.clientId,
    redirectUri: config.redirectUri,
    postLogoutRedirectUri: config.postLogoutRedirectUri,
    scope: config.scope,
    storage: config.storage,
    // Where `auth.fetch` sends a token, and which: the session's own for the notes API (its resource
    // is in authorizeParams, so the code exchange gets its token); for the tags API one of its own,
    // got with the refresh token and `resource` (the SDK asks for that resource and tags:read at sign-in).
    apis: [
      { url: config.notesApiUrl },
      ...(config.tagsApiUrl ? [{ url: config.tagsApiUrl, resource: config.tagsResource, scope: TAGS_SCOPE }] : []),
    ],
    ...(authorizeParams ? { authorizeParams } : {}),
    dpop: config.dpop,
    par: config.par,
  });
}

/**
 * Signs out. Providers with a standard end-session endpoint, and the BFF, are handled by `auth.logout()`;
 * Cognito's is non-standard (`/logout?client_id=…&logout_uri=…`, not in discovery), so when
 * `VITE_AUTH_LOGOUT_URL` is set the session is cleared locally and the browser goes there.
 */
export async function signOut(): Promise<void> {
  // In BFF mode the BFF ends the session at the server and says where to go (its end-session URL).
  if (!config.logoutUrl || config.authMode === 'bff') {
    await auth.logout();
    return;
  }
  await auth.logout({ localOnly: true });
  const url = new URL(config.logoutUrl);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('logout_uri', config.postLogoutRedirectUri);
  window.location.assign(url.href);
}
