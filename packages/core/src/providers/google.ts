import type { ProviderPreset } from './preset.js';

/**
 * Google, for the Backend-for-Frontend only (`createBff({ ...google(), clientId, clientSecret, … })`).
 *
 * Google's token endpoint requires the client secret of a "Web application" OAuth client even
 * with PKCE, and a browser cannot keep a secret: with it {@link createAuthClient} throws
 * `invalid_config` saying so. Console: an OAuth client of type "Web application" with the
 * BFF's `/bff/callback` under "Authorized redirect URIs". Google has no end-session endpoint:
 * logout ends the BFF's session and revokes the refresh token only.
 *
 * @see https://developers.google.com/identity/protocols/oauth2/web-server
 */
export function google(): ProviderPreset {
  return {
    issuer: 'https://accounts.google.com',
    browserUnsupported: "Google's token endpoint requires a client secret, which a browser cannot keep; use google() with @pkce-auth/bff",
  };
}
