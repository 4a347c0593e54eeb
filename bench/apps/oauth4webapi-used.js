// The part of oauth4webapi the core's browser path uses (see packages/core/src/authClient.ts and
// protocol.ts): the fixed cost under pkce-auth's size.
import * as oauth from 'oauth4webapi';

globalThis.used = [
  oauth.AuthorizationResponseError, oauth.OperationProcessingError, oauth.ResponseBodyError,
  oauth.UnsupportedOperationError, oauth.WWWAuthenticateChallengeError, oauth.JSON_ATTRIBUTE_COMPARISON,
  oauth.allowInsecureRequests, oauth.customFetch, oauth.None,
  oauth.discoveryRequest, oauth.processDiscoveryResponse, oauth.validateAuthResponse,
  oauth.generateRandomState, oauth.generateRandomNonce,
  oauth.authorizationCodeGrantRequest, oauth.processAuthorizationCodeResponse, oauth.getValidatedIdTokenClaims,
  oauth.refreshTokenGrantRequest, oauth.processRefreshTokenResponse,
  oauth.revocationRequest, oauth.processRevocationResponse,
];
