export { createAuthClient } from './client/createAuthClient.js';
export { createBffClient, type BffClientOptions } from './bff/createBffClient.js';
export { AuthError, isAuthError } from './errors.js';
export type { AuthErrorCode, AuthErrorDetails } from './errors.js';
export { clientCredentials, exchangeCode, refreshTokens, revokeToken } from './server/grants.js';
export type { ClientAuthMethod, CodeExchangeResult, ServerClientOptions } from './server/grants.js';
export { createCodeChallenge, createCodeVerifier, createPkcePair } from './pkce.js';
export type { PkcePair } from './pkce.js';
export { clearDiscoveryCache, discover } from './protocol/discovery.js';
export type { ServerMetadata } from './protocol/discovery.js';
export type { RequestContext } from './protocol/http.js';
export type { TokenSet } from './protocol/tokenResponse.js';
export { createMemoryStorage } from './storage.js';
// The URL rules the client applies, for servers that must apply the same (the BFF).
export { normalizeReturnTo, parseSecureUrl } from './url.js';
export type * from './types.js';
