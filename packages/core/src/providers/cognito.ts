import type { LogoutUrlContext } from '../types.js';
import { domainOrigin, type ProviderPreset, segment } from './preset.js';

/** Where a Cognito user pool lives. */
export interface CognitoOptions {
  /** The pool's AWS region, e.g. `eu-west-1`. */
  region: string;
  /** The pool id, e.g. `eu-west-1_AbCdEf123`. */
  userPoolId: string;
  /** The pool's domain (App integration → Domain): `<prefix>.auth.<region>.amazoncognito.com` or a custom domain. */
  domain: string;
}

/**
 * Amazon Cognito user pools.
 *
 * Console: an app client **without a client secret** ("Public client"), the Authorization code
 * grant, scopes `openid` (plus `email`/`profile` as needed; Cognito has no `offline_access`: it
 * issues a refresh token to every code grant), your redirect URI under "Allowed callback URLs"
 * and your `postLogoutRedirectUri` under "Allowed sign-out URLs" (exactly), and token
 * revocation enabled (the default for new app clients).
 *
 * Quirks it carries: the issuer is `https://cognito-idp.<region>.amazonaws.com/<userPoolId>` but
 * the endpoints are on the pool's domain, and that metadata lists neither revocation nor an
 * end-session endpoint, so the endpoints are set here (no discovery request); logout is
 * Cognito's `/logout?client_id&logout_uri` (skipped when no `postLogoutRedirectUri` is set,
 * since Cognito shows an error page without one). Cognito access tokens carry `client_id`, not
 * `aud`, and its refresh tokens do not rotate unless rotation is turned on.
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-userpools-server-contract-reference.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
 */
export function cognito({ region, userPoolId, domain }: CognitoOptions): ProviderPreset {
  const origin = domainOrigin('cognito', domain);
  return {
    issuer: `https://cognito-idp.${segment('cognito', 'region', region)}.amazonaws.com/${segment('cognito', 'userPoolId', userPoolId)}`,
    endpoints: {
      authorization: `${origin}/oauth2/authorize`,
      token: `${origin}/oauth2/token`,
      revocation: `${origin}/oauth2/revoke`,
      userinfo: `${origin}/oauth2/userInfo`,
    },
    logoutUrl: ({ clientId, postLogoutRedirectUri, state }: LogoutUrlContext) => {
      if (!postLogoutRedirectUri) return undefined;
      const url = new URL(`${origin}/logout`);
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('logout_uri', postLogoutRedirectUri);
      if (state) url.searchParams.set('state', state);
      return url.href;
    },
  };
}
