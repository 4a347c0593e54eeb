import * as oauth from 'oauth4webapi';
import { httpOptions, request, type RequestContext } from './http.js';
import { AuthError } from '../errors.js';
import { processTokenResponse, type TokenResult } from './tokenResponse.js';

/**
 * Everything a token request needs: the server (with its `token_endpoint`), the client, how the
 * client authenticates, and the HTTP context. The one seam through which every grant is sent, so
 * sender constraints (DPoP proofs, nonce retries) attach in one place.
 */
export interface TokenEndpoint {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  ctx: RequestContext;
  /** The DPoP key's handle (RFC 9449): every request carries a proof, and the token is bound. */
  dpop?: oauth.DPoPHandle | undefined;
}

/** What an ID token in a code exchange must satisfy. */
export interface IdTokenExpectations {
  /** The nonce sent in the authorization request; an ID token is then required. */
  nonce?: string | undefined;
  /** `max_age` sent in the authorization request, enforced on `auth_time` (seconds). */
  maxAge?: number | undefined;
}

type Send = (options: oauth.TokenEndpointRequestOptions) => Promise<Response>;

/**
 * Whether the server refused a DPoP proof for want of its nonce (RFC 9449 §8) and sent one: only
 * then can a second attempt differ from the first.
 */
const isNonceError = (error: unknown): boolean => {
  const cause = error instanceof AuthError ? error.cause : undefined;
  return oauth.isDPoPNonceError(cause) && !!(cause as oauth.ResponseBodyError).response.headers.get('dpop-nonce');
};

/**
 * Sends one grant to the token endpoint and processes the answer with `process`. With DPoP, a
 * `use_dpop_nonce` refusal is retried once with the nonce the server sent (the grant was not
 * used: the server refused the proof before looking at it); a second refusal is final.
 */
async function grant(
  te: TokenEndpoint,
  params: Record<string, string> | undefined,
  send: Send,
  process: (response: Response) => Promise<oauth.TokenEndpointResponse>,
): Promise<TokenResult> {
  const options = {
    ...httpOptions(te.as.token_endpoint as string, te.ctx),
    ...(params ? { additionalParameters: params } : {}),
    ...(te.dpop ? { DPoP: te.dpop } : {}),
  };
  const once = async (): Promise<TokenResult> => processTokenResponse(await request(() => send(options), 'the token endpoint'), process, te.dpop ? 'DPoP' : 'Bearer');
  try {
    return await once();
  } catch (error) {
    if (te.dpop && isNonceError(error)) return once();
    throw error;
  }
}

/**
 * Authorization Code grant with the PKCE verifier, for callback parameters already validated.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3, https://www.rfc-editor.org/rfc/rfc7636#section-4.5
 */
export function codeGrant(te: TokenEndpoint, callback: URLSearchParams, redirectUri: string, verifier: string, expect: IdTokenExpectations = {}): Promise<TokenResult> {
  const { as, client, auth } = te;
  const checks = {
    ...(expect.nonce ? { expectedNonce: expect.nonce, requireIdToken: true } : {}),
    ...(expect.maxAge !== undefined ? { maxAge: expect.maxAge } : {}),
  };
  return grant(
    te,
    undefined,
    (o) => oauth.authorizationCodeGrantRequest(as, client, auth, callback, redirectUri, verifier, o),
    (r) => oauth.processAuthorizationCodeResponse(as, client, r, checks),
  );
}

/**
 * Refresh Token grant; `params` are extra body parameters (e.g. `resource`, RFC 8707 §2.2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function refreshGrant(te: TokenEndpoint, refreshToken: string, params?: Record<string, string>): Promise<TokenResult> {
  const { as, client, auth } = te;
  return grant(
    te,
    params,
    (o) => oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, o),
    (r) => oauth.processRefreshTokenResponse(as, client, r),
  );
}

/**
 * Client Credentials grant.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export function clientCredentialsGrant(te: TokenEndpoint, params: URLSearchParams): Promise<TokenResult> {
  const { as, client, auth } = te;
  return grant(
    te,
    undefined,
    (o) => oauth.clientCredentialsGrantRequest(as, client, auth, params, o),
    (r) => oauth.processClientCredentialsResponse(as, client, r),
  );
}
