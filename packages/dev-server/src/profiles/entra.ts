/** Microsoft Entra ID (v2.0 endpoints), on the points that matter to a client. */
import type { ProviderProfile } from './types.js';

/** The tenant of the profile; the issuer is `<origin>/<ENTRA_TENANT_ID>/v2.0`. */
export const ENTRA_TENANT_ID = '00000000-0000-4000-8000-00000000e1d0';

export const entra: ProviderProfile = {
  // Issuer `https://login.microsoftonline.com/<tenant>/v2.0`. Entra's endpoints are
  // `/<tenant>/oauth2/v2.0/…`, outside the issuer's path; oidc-provider serves its endpoints
  // under the issuer path only, so here they are `/<tenant>/v2.0/oauth2/v2.0/…` (read them from
  // discovery). https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc
  issuerPath: `/${ENTRA_TENANT_ID}/v2.0`,
  endpointsOnSecondOrigin: false,
  routes: {
    authorization: '/oauth2/v2.0/authorize',
    token: '/oauth2/v2.0/token',
    userinfo: '/oidc/userinfo',
    jwks: '/discovery/v2.0/keys',
    end_session: '/oauth2/v2.0/logout',
  },
  endSessionInDiscovery: true,
  logout: undefined,
  // No revocation endpoint (refresh tokens are revoked through Microsoft Graph's revokeSignInSessions).
  // https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-revocation
  revocation: false,
  revocationInDiscovery: false,
  // No RFC 9207 `iss` on the redirect. https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
  issInAuthorizationResponse: false,
  // A refresh returns a new refresh token, but the used one stays valid until it expires (no reuse
  // detection). oidc-provider cannot both return a new one and keep the old valid; it keeps the
  // old one (no rotation). https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens
  rotateRefreshTokens: false,
  accessTokenAudience: true,
  accessTokenClaims: { tid: ENTRA_TENANT_ID },
  idTokenClaims: { tid: ENTRA_TENANT_ID },
  // Multi-tenant apps read `/common/v2.0/.well-known/openid-configuration`, whose issuer is the
  // template `https://login.microsoftonline.com/{tenantid}/v2.0`; tokens carry the tenant's issuer and `tid`.
  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
  issuerTemplate: { path: '/common/v2.0', issuer: (origin) => `${origin}/{tenantid}/v2.0` },
  audienceParam: false,
};
