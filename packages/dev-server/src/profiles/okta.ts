/** Okta (custom authorization server `default`), on the points that matter to a client. */
import type { ProviderProfile } from './types.js';

export const okta: ProviderProfile = {
  // Issuer `https://<domain>/oauth2/<authorizationServerId>`, endpoints under `/v1/`.
  // https://developer.okta.com/docs/reference/api/oidc/
  issuerPath: '/oauth2/default',
  endpointsOnSecondOrigin: false,
  routes: {
    authorization: '/v1/authorize',
    token: '/v1/token',
    userinfo: '/v1/userinfo',
    revocation: '/v1/revoke',
    introspection: '/v1/introspect',
    jwks: '/v1/keys',
    end_session: '/v1/logout',
  },
  // end_session_endpoint `/v1/logout` (id_token_hint, post_logout_redirect_uri, state).
  // https://developer.okta.com/docs/reference/api/oidc/#logout
  endSessionInDiscovery: true,
  logout: undefined,
  revocation: true,
  revocationInDiscovery: true,
  // No RFC 9207 `iss` advertised in its metadata. https://developer.okta.com/docs/reference/api/oidc/#well-known-openid-configuration
  issInAuthorizationResponse: false,
  // Refresh token rotation is the default for SPA apps.
  // https://developer.okta.com/docs/guides/refresh-tokens/main/#refresh-token-rotation
  rotateRefreshTokens: true,
  accessTokenAudience: true,
  accessTokenClaims: {},
  idTokenClaims: {},
  issuerTemplate: undefined,
  audienceParam: false,
};
