import * as oauth from 'oauth4webapi';
import { AuthError, type AuthErrorCode } from './errors.js';
import { isLoopback, parseSecureUrl } from './url.js';

/** The server metadata the client needs; it travels with pending logins and sessions. */
export interface ServerMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  revocation_endpoint?: string;
  end_session_endpoint?: string;
  userinfo_endpoint?: string;
  jwks_uri?: string;
  authorization_response_iss_parameter_supported?: boolean;
  code_challenge_methods_supported?: string[];
}

/** Tokens as issued, including the refresh token (which never enters `AuthState`). */
export interface TokenSet {
  accessToken: string;
  /** Always `'Bearer'`. */
  tokenType: string;
  /** Epoch milliseconds. */
  expiresAt?: number;
  scope?: string;
  refreshToken?: string;
  idToken?: string;
}

/** Request-level options shared by every call to the authorization server. */
export interface RequestContext {
  /** Custom fetch; default `globalThis.fetch`, looked up at call time. */
  fetch?: typeof fetch | undefined;
  /** Per-request timeout in milliseconds. Default 30 000. */
  timeoutMs?: number | undefined;
}

const METADATA_KEYS = [
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'revocation_endpoint',
  'end_session_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
] as const;

/** The options oauth4webapi takes for one request to `url`. */
export function httpOptions<M extends string = 'POST', B = URLSearchParams>(url: string | URL, ctx: RequestContext = {}): oauth.HttpRequestOptions<M, B> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const timeoutMs = ctx.timeoutMs ?? 30_000;
  return {
    [oauth.customFetch]: async (input, init) => {
      // Our own timeout, cleared when the response arrives, so no timer outlives its request.
      const controller = new AbortController();
      const timeout = setTimeout(() => controller.abort(new DOMException('the request timed out', 'TimeoutError')), timeoutMs);
      try {
        // Looked up per call so a fetch patched later (test doubles, service workers) is used.
        return await (ctx.fetch ?? globalThis.fetch)(input, { ...(init as RequestInit), signal: controller.signal });
      } finally {
        clearTimeout(timeout);
      }
    },
    // Plain http only where parseSecureUrl allowed it: loopback hosts.
    ...(target.protocol === 'http:' && isLoopback(target) ? { [oauth.allowInsecureRequests]: true } : {}),
  };
}

/** Keeps the metadata fields the client uses, each checked to be https (or loopback http). */
export function pickMetadata(as: oauth.AuthorizationServer): ServerMetadata {
  const out: ServerMetadata = { issuer: as.issuer };
  for (const key of METADATA_KEYS) {
    const value = as[key];
    if (value === undefined) continue;
    parseSecureUrl(value, `discovery metadata \`${key}\``, 'discovery_failed');
    out[key] = value as string;
  }
  if (as.authorization_response_iss_parameter_supported === true) {
    out.authorization_response_iss_parameter_supported = true;
  }
  if (Array.isArray(as.code_challenge_methods_supported)) {
    out.code_challenge_methods_supported = as.code_challenge_methods_supported.filter((m) => typeof m === 'string');
  }
  return out;
}

const discoveryCache = new Map<string, Promise<ServerMetadata>>();

/**
 * Fetches and validates `<issuer>/.well-known/openid-configuration`; the metadata `issuer` must
 * equal `issuer` exactly. Results are cached for the page; a failure is not cached.
 *
 * @throws AuthError `issuer_mismatch`, `discovery_failed`, `network_error` or `invalid_config`.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation
 */
export function discover(issuer: string, opts: RequestContext & { cache?: boolean } = {}): Promise<ServerMetadata> {
  const issuerUrl = parseSecureUrl(issuer, 'issuer');
  const cached = opts.cache === false ? undefined : discoveryCache.get(issuer);
  if (cached) return cached;
  const promise = (async () => {
    let response: Response;
    try {
      response = await oauth.discoveryRequest(issuerUrl, { ...httpOptions<'GET', undefined>(issuerUrl, opts), algorithm: 'oidc' });
    } catch (cause) {
      throw requestError(cause, `could not reach the issuer's discovery document at ${issuer}`);
    }
    if (response.status >= 500) {
      throw new AuthError('network_error', `the issuer's discovery document answered HTTP ${response.status}; try again later`, {
        status: response.status,
      });
    }
    let as: oauth.AuthorizationServer;
    try {
      as = await oauth.processDiscoveryResponse(issuerUrl, response);
    } catch (cause) {
      if (cause instanceof oauth.OperationProcessingError && cause.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
        throw new AuthError(
          'issuer_mismatch',
          `the discovery document's issuer does not equal the configured issuer "${issuer}" (check for a trailing slash)`,
          { cause },
        );
      }
      throw new AuthError(
        'discovery_failed',
        `the discovery document at ${issuer} is not valid OpenID Provider metadata: ${(cause as Error).message}`,
        { cause, status: response.status },
      );
    }
    return pickMetadata(as);
  })();
  if (opts.cache !== false) {
    discoveryCache.set(issuer, promise);
    promise.catch(() => discoveryCache.delete(issuer));
  }
  return promise;
}

/** Clears the page-wide discovery cache (tests, or after changing servers). */
export function clearDiscoveryCache(): void {
  discoveryCache.clear();
}

/** Maps a failure to send a request (network, timeout, refused protocol) to an AuthError. */
export function requestError(cause: unknown, what: string): AuthError {
  if (cause instanceof AuthError) return cause;
  if (cause instanceof oauth.OperationProcessingError || cause instanceof oauth.UnsupportedOperationError) {
    return new AuthError('invalid_config', `${what}: ${cause.message}`, { cause });
  }
  const reason = cause instanceof Error && cause.name === 'TimeoutError' ? 'the request timed out' : 'the network request failed';
  return new AuthError('network_error', `${what}: ${reason}; check the connection and that the server is up`, { cause });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a 200 token-response body with the rules oauth4webapi leaves open (it accepts a string
 * `expires_in`); returns the problem, or undefined when the non-ID-token fields are fine.
 */
function tokenBodyProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'the token response is not a JSON object';
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    return 'token response `access_token` must be a non-empty string';
  }
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') {
    return `token response \`token_type\` must be "Bearer", got ${JSON.stringify(body.token_type)}`;
  }
  if (body.expires_in !== undefined && (typeof body.expires_in !== 'number' || !Number.isFinite(body.expires_in) || body.expires_in < 0)) {
    return `token response \`expires_in\` must be a non-negative number, got ${JSON.stringify(body.expires_in)}`;
  }
  if (body.refresh_token !== undefined && (typeof body.refresh_token !== 'string' || body.refresh_token === '')) {
    return 'token response `refresh_token` must be a non-empty string when present';
  }
  if (body.scope !== undefined && typeof body.scope !== 'string') return 'token response `scope` must be a string';
  if (body.id_token !== undefined && typeof body.id_token !== 'string') return 'token response `id_token` must be a string';
  return undefined;
}

/** Maps an error from a token-endpoint response to an AuthError. */
function tokenResponseError(cause: unknown, status: number, idTokenPresent: boolean): AuthError {
  if (cause instanceof AuthError) return cause;
  if (cause instanceof oauth.ResponseBodyError) {
    const description = cause.error_description ? `: ${cause.error_description}` : '';
    const code: AuthErrorCode = cause.status >= 500 ? 'network_error' : 'token_error';
    return new AuthError(code, `the token endpoint refused the request (${cause.error}${description})`, {
      error: cause.error,
      errorDescription: cause.error_description,
      status: cause.status,
      cause,
    });
  }
  if (cause instanceof oauth.WWWAuthenticateChallengeError) {
    const challenge = cause.cause[0];
    const error = challenge?.parameters.error ?? 'invalid_client';
    return new AuthError('token_error', `the token endpoint refused the client (${error}); check the client id and its registration`, {
      error,
      errorDescription: challenge?.parameters.error_description,
      status: cause.status,
      cause,
    });
  }
  if (status >= 500) {
    return new AuthError('network_error', `the token endpoint answered HTTP ${status}; try again later`, { status, cause });
  }
  if (idTokenPresent && status === 200) {
    return new AuthError('invalid_id_token', `the ID token failed validation: ${(cause as Error).message}`, { status, cause });
  }
  return new AuthError('invalid_token_response', `the token endpoint's answer is not a valid token response: ${(cause as Error).message}`, {
    status,
    cause,
  });
}

/**
 * Runs an oauth4webapi token-response processor and adds the checks it leaves open; turns every
 * failure into an AuthError and a success into a {@link TokenSet}.
 */
export async function processTokenResponse(
  response: Response,
  process: (response: Response) => Promise<oauth.TokenEndpointResponse>,
  now: () => number = Date.now,
): Promise<{ tokens: TokenSet; claims: oauth.IDToken | undefined }> {
  let body: unknown;
  let problem: string | undefined;
  if (response.status === 200) {
    try {
      body = await response.clone().json();
    } catch (cause) {
      throw new AuthError('invalid_token_response', 'the token endpoint answered HTTP 200 with a body that is not JSON', {
        status: 200,
        cause,
      });
    }
    problem = tokenBodyProblem(body);
    if (problem) throw new AuthError('invalid_token_response', problem, { status: 200 });
  }
  let result: oauth.TokenEndpointResponse;
  try {
    result = await process(response);
  } catch (cause) {
    throw tokenResponseError(cause, response.status, isObject(body) && body.id_token !== undefined);
  }
  const tokens: TokenSet = { accessToken: result.access_token, tokenType: 'Bearer' };
  if (typeof result.expires_in === 'number') tokens.expiresAt = now() + result.expires_in * 1000;
  if (typeof result.scope === 'string') tokens.scope = result.scope;
  if (typeof result.refresh_token === 'string') tokens.refreshToken = result.refresh_token;
  if (typeof result.id_token === 'string') tokens.idToken = result.id_token;
  return { tokens, claims: oauth.getValidatedIdTokenClaims(result) };
}

/** The oauth4webapi client record for a client id. */
export function oauthClient(clientId: string): oauth.Client {
  return { client_id: clientId };
}

/** The metadata as oauth4webapi's AuthorizationServer type. */
export function asServer(meta: ServerMetadata): oauth.AuthorizationServer {
  return meta as oauth.AuthorizationServer;
}
