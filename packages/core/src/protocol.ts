import * as oauth from 'oauth4webapi';
import { AuthError } from './errors.js';
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

/** A plain object (not null, not an array): what JSON objects parse to. */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of `value` without its `undefined` fields, so optional fields are absent rather than undefined. */
export const defined = <T extends object>(value: { [K in keyof T]: T[K] | undefined }): T =>
  Object.fromEntries(Object.entries(value).filter((entry) => entry[1] !== undefined)) as T;

/** The options oauth4webapi takes for one request to `url`. */
export function httpOptions<M extends string = 'POST', B = URLSearchParams>(url: string | URL, ctx: RequestContext = {}): oauth.HttpRequestOptions<M, B> {
  return {
    [oauth.customFetch]: async (input, init) => {
      // Our own timeout, cleared when the response arrives, so no timer outlives its request.
      const controller = new AbortController();
      const timeout = setTimeout(() => controller.abort(new DOMException('the request timed out', 'TimeoutError')), ctx.timeoutMs ?? 30_000);
      try {
        // Looked up per call so a fetch patched later (test doubles, service workers) is used.
        return await (ctx.fetch ?? globalThis.fetch)(input, { ...(init as RequestInit), signal: controller.signal });
      } finally {
        clearTimeout(timeout);
      }
    },
    // Plain http only where parseSecureUrl allows it: loopback hosts.
    [oauth.allowInsecureRequests]: isLoopback(new URL(url)),
  };
}

/** Sends a request built by `send`; a failure to get any response becomes an AuthError about `what`. */
export async function request(send: () => Promise<Response>, what: string): Promise<Response> {
  try {
    return await send();
  } catch (cause) {
    throw requestError(cause, `could not reach ${what}`);
  }
}

/** Maps a failure to send a request (network, timeout, refused protocol) to an AuthError. */
export function requestError(cause: unknown, what: string): AuthError {
  if (cause instanceof AuthError) return cause;
  if (cause instanceof oauth.OperationProcessingError || cause instanceof oauth.UnsupportedOperationError) {
    return new AuthError('invalid_config', `${what}: ${cause.message}`, { cause });
  }
  const timedOut = (cause as Error | undefined)?.name === 'TimeoutError';
  return new AuthError('network_error', `${what} (${timedOut ? 'timeout' : 'network error'}); is it up?`, { cause });
}

const ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'revocation_endpoint', 'end_session_endpoint', 'userinfo_endpoint', 'jwks_uri'] as const;

/**
 * Keeps the metadata fields the client uses, each endpoint checked to be https (or loopback
 * http). Used for discovered metadata and for metadata read back from storage.
 *
 * @throws AuthError `discovery_failed` naming the unusable field.
 */
export function pickMetadata(as: Record<string, unknown>): ServerMetadata {
  if (typeof as.issuer !== 'string' || !as.issuer) throw new AuthError('discovery_failed', 'metadata lacks `issuer`');
  const out: ServerMetadata = { issuer: as.issuer };
  for (const key of ENDPOINTS) {
    if (as[key] !== undefined) out[key] = parseSecureUrl(as[key], `metadata \`${key}\``, 'discovery_failed') && (as[key] as string);
  }
  if (as.authorization_response_iss_parameter_supported === true) out.authorization_response_iss_parameter_supported = true;
  const methods = as.code_challenge_methods_supported;
  if (Array.isArray(methods)) out.code_challenge_methods_supported = methods.filter((m) => typeof m === 'string');
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
  const cache = opts.cache !== false;
  let promise = cache ? discoveryCache.get(issuer) : undefined;
  if (!promise) {
    promise = (async () => {
      const response = await request(() => oauth.discoveryRequest(issuerUrl, { ...httpOptions<'GET', undefined>(issuerUrl, opts), algorithm: 'oidc' }), issuer);
      const { status } = response;
      if (status >= 500) throw new AuthError('network_error', `discovery at ${issuer} answered HTTP ${status}; try again later`, { status });
      try {
        return pickMetadata(await oauth.processDiscoveryResponse(issuerUrl, response));
      } catch (cause) {
        if (cause instanceof AuthError) throw cause;
        if ((cause as oauth.OperationProcessingError | undefined)?.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
          throw new AuthError('issuer_mismatch', `the discovered issuer is not "${issuer}" (trailing slash?)`, { cause });
        }
        throw new AuthError('discovery_failed', `discovery at ${issuer} failed: ${(cause as Error).message}`, { cause, status });
      }
    })();
    if (cache) {
      discoveryCache.set(issuer, promise);
      promise.catch(() => discoveryCache.delete(issuer));
    }
  }
  return promise;
}

/** Clears the page-wide discovery cache (tests, or after changing servers). */
export function clearDiscoveryCache(): void {
  discoveryCache.clear();
}

/**
 * Validates an authorization response (RFC 9207 `iss`, `state`, then `error`) with oauth4webapi,
 * and requires exactly one `code` and no `error` at all: oauth4webapi lets an empty `error=`
 * through, and a duplicated `code` would only fail later, inside the token request.
 *
 * @throws AuthError `issuer_mismatch`, `state_mismatch` or `authorization_error`.
 * @see https://www.rfc-editor.org/rfc/rfc9207, https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
export function validateCallback(as: oauth.AuthorizationServer, client: oauth.Client, params: URLSearchParams, state: string): URLSearchParams {
  let validated: URLSearchParams;
  try {
    validated = oauth.validateAuthResponse(as, client, params, state);
  } catch (cause) {
    throw callbackError(cause);
  }
  if (validated.has('error') || validated.getAll('code').length !== 1) {
    throw new AuthError('authorization_error', 'the callback URL must carry exactly one `code` and no `error`; start the login again');
  }
  return validated;
}

/** Maps a callback (authorization response) validation failure from oauth4webapi to an AuthError. */
function callbackError(cause: unknown): AuthError {
  if (cause instanceof oauth.AuthorizationResponseError) {
    const { error, error_description } = cause;
    return new AuthError('authorization_error', `the authorization server answered ${error}${error_description ? `: ${error_description}` : ''}`, {
      error,
      errorDescription: error_description,
      cause,
    });
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  const [code, what] = message.includes('"iss"')
    ? (['issuer_mismatch', '`iss` is missing or not the issuer (RFC 9207)'] as const)
    : message.includes('"state"')
      ? (['state_mismatch', '`state` is invalid'] as const)
      : (['authorization_error', 'is invalid'] as const);
  return new AuthError(code, `the authorization response ${what}: ${message}; start the login again`, { cause });
}

/**
 * The token-response rules oauth4webapi leaves open (it accepts a string `expires_in` and any
 * `token_type`), checked first so that a later failure with an `id_token` present is the ID token's.
 */
function checkTokenBody(body: Record<string, unknown>): void {
  const { token_type: type, expires_in: expiresIn } = body;
  const problem =
    typeof body.access_token !== 'string' || !body.access_token
      ? 'access_token'
      : typeof type !== 'string' || type.toLowerCase() !== 'bearer'
        ? 'token_type'
        : expiresIn !== undefined && !((expiresIn as number) >= 0 && Number.isFinite(expiresIn))
          ? 'expires_in'
          : ['refresh_token', 'id_token', 'scope'].find((key) => body[key] !== undefined && (typeof body[key] !== 'string' || (key !== 'scope' && !body[key])));
  if (problem) throw new AuthError('invalid_token_response', `the token response has an invalid \`${problem}\` (${JSON.stringify(body[problem])})`, { status: 200 });
}

/** Maps a failure of an oauth4webapi token-response processor to an AuthError. */
function tokenResponseError(cause: unknown, status: number, idToken: boolean): AuthError {
  let error: string | undefined;
  let description: string | undefined;
  if (cause instanceof oauth.ResponseBodyError) {
    ({ error, error_description: description } = cause);
  } else if (cause instanceof oauth.WWWAuthenticateChallengeError) {
    const parameters = cause.cause[0]?.parameters;
    error = parameters?.error ?? 'invalid_client';
    description = parameters?.error_description;
  }
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
  if (response.status === 200) {
    try {
      body = await response.clone().json();
    } catch (cause) {
      throw new AuthError('invalid_token_response', 'the token response is not JSON', { status: 200, cause });
    }
    if (!isObject(body)) throw new AuthError('invalid_token_response', 'the token response is not a JSON object', { status: 200 });
    checkTokenBody(body);
  }
  let result: oauth.TokenEndpointResponse;
  try {
    result = await process(response);
  } catch (cause) {
    throw tokenResponseError(cause, response.status, isObject(body) && body.id_token !== undefined);
  }
  const { access_token, expires_in, scope, refresh_token, id_token } = result;
  const tokens = defined<TokenSet>({
    accessToken: access_token,
    tokenType: 'Bearer',
    expiresAt: typeof expires_in === 'number' ? now() + expires_in * 1000 : undefined,
    scope,
    refreshToken: refresh_token,
    idToken: id_token,
  });
  return { tokens, claims: oauth.getValidatedIdTokenClaims(result) };
}

/**
 * Revokes `token` (RFC 7009) at the metadata's revocation endpoint.
 *
 * @throws AuthError `token_error`, `network_error`, `invalid_token_response` or `invalid_config`.
 */
export async function revoke(
  meta: ServerMetadata,
  client: oauth.Client,
  auth: oauth.ClientAuth,
  token: string,
  hint: string | undefined,
  ctx: RequestContext,
): Promise<void> {
  const response = await request(
    () =>
      oauth.revocationRequest(meta as oauth.AuthorizationServer, client, auth, token, {
        ...httpOptions(meta.revocation_endpoint as string, ctx),
        ...(hint ? { additionalParameters: { token_type_hint: hint } } : {}),
      }),
    'the revocation endpoint',
  );
  try {
    await oauth.processRevocationResponse(response);
  } catch (cause) {
    const { status } = response;
    throw cause instanceof oauth.ResponseBodyError
      ? new AuthError('token_error', `the revocation endpoint refused: ${cause.error}`, { error: cause.error, status, cause })
      : new AuthError(status >= 500 ? 'network_error' : 'invalid_token_response', `the revocation endpoint answered HTTP ${status}`, { status, cause });
  }
}
