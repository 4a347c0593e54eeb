import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { parseSecureUrl } from '../url.js';
import { httpOptions, request, type RequestContext } from './http.js';

/** The server metadata the client needs. */
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
  id_token_signing_alg_values_supported?: string[];
  /** RFC 9126 */
  pushed_authorization_request_endpoint?: string;
  require_pushed_authorization_requests?: boolean;
}

const ENDPOINTS = [
  'authorization_endpoint',
  'token_endpoint',
  'revocation_endpoint',
  'end_session_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'pushed_authorization_request_endpoint',
] as const;
const FLAGS = ['authorization_response_iss_parameter_supported', 'require_pushed_authorization_requests'] as const;
const LISTS = ['code_challenge_methods_supported', 'id_token_signing_alg_values_supported'] as const;

/**
 * Keeps the metadata fields the client uses, each endpoint checked to be https (or loopback
 * http). Used for discovered metadata and for the metadata a pending login carries.
 *
 * @throws AuthError `discovery_failed` naming the unusable field.
 */
export function pickMetadata(as: Record<string, unknown>): ServerMetadata {
  if (typeof as.issuer !== 'string' || !as.issuer) throw new AuthError('discovery_failed', 'metadata lacks `issuer`');
  const out: ServerMetadata = { issuer: as.issuer };
  for (const key of ENDPOINTS) {
    if (as[key] !== undefined) out[key] = parseSecureUrl(as[key], `metadata \`${key}\``, 'discovery_failed') && (as[key] as string);
  }
  for (const key of FLAGS) if (as[key] === true) out[key] = true;
  for (const key of LISTS) {
    const list = as[key];
    if (Array.isArray(list)) out[key] = list.filter((item): item is string => typeof item === 'string');
  }
  return out;
}

const discoveryCache = new Map<string, Promise<ServerMetadata>>();

/**
 * Fetches and validates `<issuer>/.well-known/openid-configuration`; the metadata `issuer` must
 * equal `issuer` exactly (or `expectedIssuer`, a multi-tenant template). Results are cached for the
 * page; a failure is not cached.
 *
 * @throws AuthError `issuer_mismatch`, `discovery_failed`, `network_error` or `invalid_config`.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation
 */
export function discover(issuer: string, opts: RequestContext & { cache?: boolean; expectedIssuer?: string | undefined } = {}): Promise<ServerMetadata> {
  const cache = opts.cache !== false;
  let promise = cache ? discoveryCache.get(issuer) : undefined;
  if (!promise) {
    promise = fetchMetadata(parseSecureUrl(issuer, 'issuer'), issuer, opts);
    if (cache) {
      discoveryCache.set(issuer, promise);
      promise.catch(() => discoveryCache.delete(issuer));
    }
  }
  return promise;
}

async function fetchMetadata(issuerUrl: URL, issuer: string, ctx: RequestContext & { expectedIssuer?: string | undefined }): Promise<ServerMetadata> {
  const response = await request(() => oauth.discoveryRequest(issuerUrl, { ...httpOptions<'GET', undefined>(issuerUrl, ctx), algorithm: 'oidc' }), issuer);
  const { status } = response;
  if (status >= 500) throw new AuthError('network_error', `discovery at ${issuer} answered HTTP ${status}; try again later`, { status });
  try {
    return pickMetadata(await oauth.processDiscoveryResponse(ctx.expectedIssuer ? new URL(ctx.expectedIssuer) : issuerUrl, response));
  } catch (cause) {
    if (cause instanceof AuthError) throw cause;
    if ((cause as oauth.OperationProcessingError | undefined)?.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      throw new AuthError('issuer_mismatch', `the discovered issuer is not "${ctx.expectedIssuer ?? issuer}" (trailing slash?)`, { cause });
    }
    throw new AuthError('discovery_failed', `discovery at ${issuer} failed: ${(cause as Error).message}`, { cause, status });
  }
}

/** Clears the page-wide discovery cache (tests, or after changing servers). */
export function clearDiscoveryCache(): void {
  discoveryCache.clear();
}
