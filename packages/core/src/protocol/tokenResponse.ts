import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { defined, isObject, isString, optional } from '../objects.js';
import type { AuthTokens } from '../types.js';

/** How an access token is presented: as is, or with a DPoP proof (RFC 9449). */
export type TokenType = AuthTokens['tokenType'];

/** Tokens as issued, including the refresh token (which never enters `AuthState`). */
export interface TokenSet {
  accessToken: string;
  /** `'DPoP'` for a token bound to the client's DPoP key, else `'Bearer'`. */
  tokenType: TokenType;
  /** Epoch milliseconds. */
  expiresAt?: number;
  scope?: string;
  refreshToken?: string;
  idToken?: string;
}

/** A processed token response: the tokens, and the validated ID-token claims when one came. */
export interface TokenResult {
  tokens: TokenSet;
  claims: oauth.IDToken | undefined;
}

/**
 * Each token-response field's rule, checked first so that a later failure with an `id_token`
 * present is the ID token's. oauth4webapi alone would accept a string `expires_in` and any `token_type`.
 */
const TOKEN_FIELDS: [field: string, valid: (value: unknown, type: TokenType) => boolean][] = [
  ['access_token', isString],
  // A Bearer token where a DPoP-bound one was asked for would work for anyone who steals it.
  ['token_type', (type, expected) => typeof type === 'string' && type.toLowerCase() === expected.toLowerCase()],
  ['expires_in', (seconds) => optional(seconds, (n) => (n as number) >= 0 && Number.isFinite(n))],
  ['refresh_token', (token) => optional(token)],
  ['id_token', (token) => optional(token)],
  ['scope', (scope) => optional(scope, (s) => typeof s === 'string')],
];

function checkTokenBody(body: Record<string, unknown>, type: TokenType): void {
  const problem = TOKEN_FIELDS.find(([field, valid]) => !valid(body[field], type))?.[0];
  if (problem) throw new AuthError('invalid_token_response', `the token response has an invalid \`${problem}\` (${JSON.stringify(body[problem])})`, { status: 200 });
}

/** The OAuth error (RFC 6749 §5.2 body or a WWW-Authenticate challenge) a processor failed on. */
export function oauthError(cause: unknown): { error?: string | undefined; description?: string | undefined } {
  if (cause instanceof oauth.ResponseBodyError) return { error: cause.error, description: cause.error_description };
  if (cause instanceof oauth.WWWAuthenticateChallengeError) {
    const parameters = cause.cause[0]?.parameters;
    return { error: parameters?.error ?? 'invalid_client', description: parameters?.error_description };
  }
  return {};
}

/** Maps a failure of an oauth4webapi token-response processor to an AuthError. */
function tokenResponseError(cause: unknown, status: number, idToken: boolean): AuthError {
  const { error, description } = oauthError(cause);
  const details = { error, errorDescription: description, status, cause };
  if (error) {
    return new AuthError(status >= 500 ? 'network_error' : 'token_error', `the token endpoint refused: ${error}${description ? ` (${description})` : ''}`, details);
  }
  if (status >= 500) return new AuthError('network_error', `the token endpoint answered HTTP ${status}; try again later`, details);
  const message = (cause as Error).message;
  return idToken && status === 200
    ? new AuthError('invalid_id_token', `the ID token is invalid: ${message}`, details)
    : new AuthError('invalid_token_response', `the token response is invalid: ${message}`, details);
}

/** Reads a 200 response's body as a JSON object and applies {@link checkTokenBody}. */
async function readTokenBody(response: Response, type: TokenType): Promise<Record<string, unknown> | undefined> {
  if (response.status !== 200) return undefined;
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch (cause) {
    throw new AuthError('invalid_token_response', 'the token response is not JSON', { status: 200, cause });
  }
  if (!isObject(body)) throw new AuthError('invalid_token_response', 'the token response is not a JSON object', { status: 200 });
  checkTokenBody(body, type);
  return body;
}

/**
 * Runs an oauth4webapi token-response processor and adds the checks it leaves open; turns every
 * failure into an AuthError and a success into a {@link TokenSet}.
 */
export async function processTokenResponse(
  response: Response,
  process: (response: Response) => Promise<oauth.TokenEndpointResponse>,
  type: TokenType = 'Bearer',
  now: () => number = Date.now,
): Promise<TokenResult> {
  const body = await readTokenBody(response, type);
  let result: oauth.TokenEndpointResponse;
  try {
    result = await process(response);
  } catch (cause) {
    throw tokenResponseError(cause, response.status, body?.id_token !== undefined);
  }
  const { access_token, expires_in, scope, refresh_token, id_token } = result;
  const tokens = defined<TokenSet>({
    accessToken: access_token,
    tokenType: type,
    expiresAt: typeof expires_in === 'number' ? now() + expires_in * 1000 : undefined,
    scope,
    refreshToken: refresh_token,
    idToken: id_token,
  });
  return { tokens, claims: oauth.getValidatedIdTokenClaims(result) };
}
