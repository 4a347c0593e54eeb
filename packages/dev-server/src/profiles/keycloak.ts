/** Keycloak, on the points that matter to a client. */
import type { ProviderProfile } from './types.js';

/** The realm of the profile; the issuer is `<origin>/realms/<KEYCLOAK_REALM>`. */
export const KEYCLOAK_REALM = 'dev';

export const keycloak: ProviderProfile = {
  // Issuer `<url>/realms/<realm>`, endpoints under `/protocol/openid-connect/`.
  // https://www.keycloak.org/securing-apps/oidc-layers#_oidc_available_endpoints
  issuerPath: `/realms/${KEYCLOAK_REALM}`,
  endpointsOnSecondOrigin: false,
  routes: {
    authorization: '/protocol/openid-connect/auth',
    token: '/protocol/openid-connect/token',
    userinfo: '/protocol/openid-connect/userinfo',
    revocation: '/protocol/openid-connect/revoke',
    introspection: '/protocol/openid-connect/token/introspect',
    jwks: '/protocol/openid-connect/certs',
    end_session: '/protocol/openid-connect/logout',
  },
  // RP-Initiated Logout 1.0 at the end_session_endpoint of discovery (post_logout_redirect_uri
  // with id_token_hint or client_id). https://www.keycloak.org/docs/latest/upgrading/#openid-connect-logout
  endSessionInDiscovery: true,
  logout: undefined,
  revocation: true,
  revocationInDiscovery: true,
  // Keycloak sends RFC 9207 `iss` and advertises it (since Keycloak 18).
  // https://www.keycloak.org/docs/latest/release_notes/index.html#keycloak-18-0-0
  issInAuthorizationResponse: true,
  // "Revoke Refresh Token" is off by default: a refresh returns a new refresh token and the old one
  // keeps working. oidc-provider cannot return a new one and keep the old valid; it keeps the old
  // one (no rotation), which is what a client sees matter: reuse works.
  // https://www.keycloak.org/docs/latest/server_admin/#_timeouts
  rotateRefreshTokens: false,
  accessTokenAudience: true,
  accessTokenClaims: {},
  idTokenClaims: {},
  issuerTemplate: undefined,
  audienceParam: false,
};
