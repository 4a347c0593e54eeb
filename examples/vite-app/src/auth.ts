import { createAuthClient } from '@pkce-auth/react';
import { audienceParams, config } from './config';

const authorizeParams = audienceParams();

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
  // The only place `auth.fetch` sends the access token: the notes API.
  apis: [{ url: config.notesApiUrl }],
  ...(authorizeParams ? { authorizeParams } : {}),
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
