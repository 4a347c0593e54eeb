/** Auth0, on the points that matter to a client. */
import type { ProviderProfile } from './types.js';

export const auth0: ProviderProfile = {
  // Issuer `https://<domain>/`, with its trailing slash; endpoints on the same host.
  // https://auth0.com/docs/get-started/applications/configure-applications-with-oidc-discovery
  issuerPath: '/',
  endpointsOnSecondOrigin: false,
  // https://auth0.com/docs/api/authentication
  routes: {
    authorization: '/authorize',
    token: '/oauth/token',
    userinfo: '/userinfo',
    revocation: '/oauth/revoke',
    jwks: '/.well-known/jwks.json',
    end_session: '/oidc/logout',
  },
  // Without "RP-Initiated Logout End Session Endpoint Discovery" (off by default) discovery has no
  // end_session_endpoint; logout is `GET /v2/logout?client_id&returnTo`, returnTo one of the
  // application's Allowed Logout URLs.
  // https://auth0.com/docs/authenticate/login/logout/log-users-out-of-auth0
  // https://auth0.com/docs/api/authentication/logout/auth-0-logout
  endSessionInDiscovery: false,
  logout: { path: '/v2/logout', returnParam: 'returnTo' },
  // https://auth0.com/docs/api/authentication/revoke-refresh-token
  revocation: true,
  revocationInDiscovery: true,
  // No RFC 9207 `iss` on the redirect, none advertised in discovery.
  // https://auth0.com/docs/api/authentication/authorization-code-flow-with-pkce/authorize-with-pkce
  issInAuthorizationResponse: false,
  // Single-page apps use Refresh Token Rotation: a used refresh token is invalid (reuse revokes the family).
  // https://auth0.com/docs/secure/tokens/refresh-tokens/refresh-token-rotation
  rotateRefreshTokens: true,
  accessTokenAudience: true,
  accessTokenClaims: {},
  idTokenClaims: {},
  issuerTemplate: undefined,
  // The API is named by `audience`, not `resource`.
  // https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens
  audienceParam: true,
};
