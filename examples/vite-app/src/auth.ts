// DPoP support for `dpop: true` (VITE_AUTH_DPOP); without this import the SDK bundles none of it
// and `dpop: true` is `invalid_config`. The example keeps it so the switch is a variable only.
import '@pkce-auth/react/dpop';
import { createAuthClient, createBffClient } from '@pkce-auth/react';
import { audienceParams, config } from './config';
import { providerOptions } from './provider';

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

/**
 * The browser mode's client: the app is the OAuth client (`notes-spa`) and keeps the tokens in
 * `storage`. With `VITE_AUTH_PROVIDER` its provider options are that provider's preset (see
 * `provider.ts`), which carries the provider's logout too (Cognito's `/logout`, Auth0's `/v2/logout`).
 */
function browserClient() {
  return createAuthClient({
    ...providerOptions(config.issuer),
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
 * Signs out: `auth.logout()` revokes the refresh token where the server can, clears the session and
 * goes to the provider's logout (its end-session endpoint, or the preset's `logoutUrl`; in BFF mode
 * the BFF's), which comes back to `postLogoutRedirectUri`.
 */
export function signOut(): Promise<void> {
  return auth.logout();
}
