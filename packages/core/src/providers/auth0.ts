import type { LogoutUrlContext } from '../types.js';
import { domainOrigin, type ProviderPreset } from './preset.js';

/** Where an Auth0 tenant lives, and the API its access tokens are for. */
export interface Auth0Options {
  /** The tenant's domain, e.g. `example.eu.auth0.com`, or its custom domain. */
  domain: string;
  /** The API identifier (Applications → APIs): without it Auth0 issues an opaque token for `/userinfo` only. */
  audience?: string;
}

/**
 * Auth0.
 *
 * Console: a "Single Page Application" (token endpoint authentication "None"), your redirect URI
 * under "Allowed Callback URLs", your app's origin under "Allowed Web Origins" (CORS), your
 * `postLogoutRedirectUri` under "Allowed Logout URLs"; for refresh tokens, "Allow Offline Access"
 * on the API, `offline_access` in `scope`, and Refresh Token Rotation on (recommended).
 *
 * Quirks it carries: the issuer is `https://<domain>/` with its trailing slash; `audience` is an
 * authorization parameter; logout is Auth0's `/v2/logout?client_id&returnTo`, which every tenant
 * has (the OIDC end-session endpoint is only listed when the tenant turns it on).
 *
 * @see https://auth0.com/docs/authenticate/login/logout/log-users-out-of-auth0
 * @see https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens
 */
export function auth0({ domain, audience }: Auth0Options): ProviderPreset {
  const origin = domainOrigin('auth0', domain);
  return {
    issuer: `${origin}/`,
    ...(audience ? { authorizeParams: { audience } } : {}),
    logoutUrl: ({ clientId, postLogoutRedirectUri }: LogoutUrlContext) => {
      const url = new URL(`${origin}/v2/logout`);
      url.searchParams.set('client_id', clientId);
      if (postLogoutRedirectUri) url.searchParams.set('returnTo', postLogoutRedirectUri);
      return url.href;
    },
  };
}
