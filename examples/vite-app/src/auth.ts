// DPoP support for `dpop: true` (VITE_AUTH_DPOP); without this import the SDK bundles none of it
// and `dpop: true` is `invalid_config`. The example keeps it so the switch is a variable only.
import '@pkce-auth/react/dpop';
import { createAuthClient } from '@pkce-auth/react';
import { audienceParams, config } from './config';

const authorizeParams = audienceParams();

/** What the tags API requires. */
export const TAGS_SCOPE = 'tags:read';

/**
 * The app's one session client. It lives at module scope, so code outside React (see `api.ts`)
 * can call `auth.fetch` or `auth.getAccessToken()`; `<AuthProvider client={auth}>` only wires it.
 */
export const auth = createAuthClient({
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

/**
 * Signs out. Providers with a standard end-session endpoint are handled by `auth.logout()`;
 * Cognito's is non-standard (`/logout?client_id=…&logout_uri=…`, not in discovery), so when
 * `VITE_AUTH_LOGOUT_URL` is set the session is cleared locally and the browser goes there.
 */
export async function signOut(): Promise<void> {
  if (!config.logoutUrl) {
    await auth.logout();
    return;
  }
  await auth.logout({ localOnly: true });
  const url = new URL(config.logoutUrl);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('logout_uri', config.postLogoutRedirectUri);
  window.location.assign(url.href);
}
