/** Amazon Cognito user pools, on the points that matter to a client. */
import type { ProviderProfile } from './types.js';

/** The user pool id of the profile; the issuer is `<issuer origin>/<COGNITO_USER_POOL_ID>`. */
export const COGNITO_USER_POOL_ID = 'us-east-1_devpool';

export const cognito: ProviderProfile = {
  // Issuer `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`: discovery and JWKS
  // (`/.well-known/jwks.json`) live there, every other endpoint on the hosted-UI domain.
  // https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
  // On loopback the two hosts are two ports of 127.0.0.1 (cookies ignore the port, as one browser
  // session needs): the issuer's port serves only /<userPoolId>/.well-known/…, the second port the rest.
  issuerPath: `/${COGNITO_USER_POOL_ID}`,
  endpointsOnSecondOrigin: true,
  // https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html
  routes: {
    authorization: '/oauth2/authorize',
    token: '/oauth2/token',
    userinfo: '/oauth2/userInfo',
    revocation: '/oauth2/revoke',
    jwks: '/.well-known/jwks.json',
    end_session: '/oauth2/end-session',
  },
  // No end_session_endpoint in its discovery; logout is `GET /logout?client_id&logout_uri`, with
  // logout_uri one of the app client's sign-out URLs.
  // https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
  endSessionInDiscovery: false,
  logout: { path: '/logout', returnParam: 'logout_uri' },
  // /oauth2/revoke works, but the pool's discovery document lists no revocation_endpoint (nor an
  // end_session_endpoint): a client must be told it.
  // https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html
  // https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-userpools-server-contract-reference.html
  revocation: true,
  revocationInDiscovery: false,
  // No RFC 9207 `iss` on the redirect (the /oauth2/authorize response is `code` and `state`).
  // https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
  issInAuthorizationResponse: false,
  // Refresh tokens do not rotate unless the app client turns rotation on; the same one works
  // until it expires. https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
  rotateRefreshTokens: false,
  // Access tokens have `client_id` and `token_use: "access"`, no `aud`.
  // https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
  accessTokenAudience: false,
  accessTokenClaims: { token_use: 'access' },
  idTokenClaims: { token_use: 'id' },
  issuerTemplate: undefined,
  audienceParam: false,
};
