import { domainOrigin, type ProviderPreset, segment } from './preset.js';

/** Where an Okta authorization server lives. */
export interface OktaOptions {
  /** The org's domain, e.g. `example.okta.com`. */
  domain: string;
  /** The custom authorization server's id. Default `'default'`. */
  authorizationServerId?: string;
}

/**
 * Okta, with a custom authorization server (the one that issues access tokens for your APIs).
 *
 * Console: an OIDC "Single-Page Application" (it has no client secret and requires PKCE), the
 * Authorization Code and Refresh Token grants (rotation is the default for SPAs), your redirect
 * URI under "Sign-in redirect URIs", your `postLogoutRedirectUri` under "Sign-out redirect URIs",
 * and your app's origin as a Trusted Origin with CORS. Okta's issuer and endpoints are standard.
 *
 * @see https://developer.okta.com/docs/concepts/auth-servers/
 */
export function okta({ domain, authorizationServerId = 'default' }: OktaOptions): ProviderPreset {
  return { issuer: `${domainOrigin('okta', domain)}/oauth2/${segment('okta', 'authorizationServerId', authorizationServerId)}` };
}
