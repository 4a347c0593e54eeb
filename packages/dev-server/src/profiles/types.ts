/** The shape of a quirk profile: how the dev server deviates from its defaults to behave as one provider does. */
import type { Configuration } from 'oidc-provider';

/** A provider-specific logout endpoint, translated to oidc-provider's end-session endpoint. */
export interface LogoutQuirk {
  /** Its path on the endpoints' origin, e.g. Cognito's `/logout`. */
  path: string;
  /** The parameter naming where to return after logout (`logout_uri` for Cognito, `returnTo` for Auth0). */
  returnParam: string;
}

/** What differs from the dev server's defaults, each point as the provider documents it. */
export interface ProviderProfile {
  /** The issuer's path on the server's origin (`''` for none, `'/'` for Auth0's trailing slash). */
  issuerPath: string;
  /** oidc-provider's endpoint paths (`routes`), relative to the issuer path. */
  routes: NonNullable<Configuration['routes']>;
  /** Endpoints on a second origin (Cognito's hosted-UI domain); discovery and JWKS stay on the issuer's. */
  endpointsOnSecondOrigin: boolean;
  /** `end_session_endpoint` in discovery (RP-Initiated Logout 1.0). */
  endSessionInDiscovery: boolean;
  /** The provider's own logout endpoint, when it has one. */
  logout: LogoutQuirk | undefined;
  /** A revocation endpoint (RFC 7009). */
  revocation: boolean;
  /** `revocation_endpoint` in discovery, when there is one (Cognito serves it but does not list it). */
  revocationInDiscovery: boolean;
  /** `iss` in the authorization response and `authorization_response_iss_parameter_supported` (RFC 9207). */
  issInAuthorizationResponse: boolean;
  /** A refresh returns a new refresh token and the used one stops working. */
  rotateRefreshTokens: boolean;
  /** `aud` in JWT access tokens (Cognito's have `client_id` only). */
  accessTokenAudience: boolean;
  /** More claims of JWT access tokens (Cognito's `token_use`). */
  accessTokenClaims: Record<string, unknown>;
  /** More claims of ID tokens (Entra's `tid`). */
  idTokenClaims: Record<string, unknown>;
  /** A second discovery document whose `issuer` is a template (Entra's multi-tenant `{tenantid}`). */
  issuerTemplate: { path: string; issuer: (origin: string) => string } | undefined;
  /** Auth0's `audience` authorization parameter, read as a resource indicator (RFC 8707). */
  audienceParam: boolean;
}
