import type * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { defined } from '../objects.js';
import type { ServerMetadata } from '../protocol/discovery.js';
import type { RequestContext } from '../protocol/http.js';
import { resolveStorage } from '../storage.js';
import type { AuthClientOptions, AuthEndpoints, StorageLike } from '../types.js';
import { pageLocation, parseSecureUrl, tryUrl } from '../url.js';

/** The options of {@link createAuthClient}, validated once; nothing in it changes afterwards. */
export interface ClientConfig {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly redirect: URL;
  /** The configured issuer, or the token endpoint's origin when only `endpoints` are given. */
  readonly issuer: string;
  /** Set when `endpoints` replace discovery. */
  readonly endpoints: ServerMetadata | undefined;
  readonly scope: string;
  readonly openid: boolean;
  readonly authorizeParams: Readonly<Record<string, string>>;
  readonly postLogoutRedirectUri: string | undefined;
  readonly leewayMs: number;
  readonly autoRefresh: boolean;
  readonly ctx: RequestContext;
  /** The oauth4webapi client: id and the expected ID-token algorithm. */
  readonly client: oauth.Client;
  readonly navigate: (url: string) => void;
  /** The app's origin: `location.origin`, or the redirect URI's outside a browser. */
  readonly origin: string;
  /** Where `fetch` may send the access token. */
  readonly apis: readonly URL[];
  readonly storage: { readonly session: StorageLike; readonly pending: StorageLike; readonly shared: boolean };
  /** Storage keys and lock/channel names, all under `pkce-auth:<clientId>`. */
  readonly prefix: string;
}

const fail = (message: string): never => {
  throw new AuthError('invalid_config', message);
};

/** The `endpoints` option's names and the metadata fields they fill. */
const ENDPOINT_OPTIONS = [
  ['authorization', 'authorization_endpoint'],
  ['token', 'token_endpoint'],
  ['revocation', 'revocation_endpoint'],
  ['endSession', 'end_session_endpoint'],
  ['userinfo', 'userinfo_endpoint'],
] as const;

function explicitEndpoints(given: AuthEndpoints, issuer: string | undefined): ServerMetadata {
  const found: Record<string, string> = {};
  for (const [name, field] of ENDPOINT_OPTIONS) {
    const value = given[name];
    if (value || name === 'authorization' || name === 'token') found[field] = parseSecureUrl(value, `\`endpoints.${name}\``).href;
  }
  return { ...found, issuer: issuer ?? new URL(found.token_endpoint as string).origin };
}

function parseScope(value: string | undefined): { scope: string; openid: boolean } {
  const scopes = (value ?? 'openid').split(/\s+/).filter(Boolean);
  const scope = scopes.join(' ');
  if (scope.includes(',')) fail('`scope` is space separated, not comma separated');
  return { scope, openid: scopes.includes('openid') };
}

function parseApis(apis: AuthClientOptions['apis'], origin: string): URL[] {
  if (apis === undefined) return [new URL(origin)];
  if (!Array.isArray(apis)) return fail('`apis` must be an array of { url }');
  return apis.map((api, i) => parseSecureUrl((api as { url?: unknown } | null)?.url, `\`apis[${i}].url\``));
}

function defaultNavigate(url: string): void {
  const loc = pageLocation();
  if (!loc) fail('no location to navigate: pass `navigate`');
  loc?.assign(url);
}

/**
 * Validates the options of {@link createAuthClient} into a frozen {@link ClientConfig}.
 *
 * @throws AuthError `invalid_config` naming the unusable option.
 */
export function resolveOptions(options: AuthClientOptions): ClientConfig {
  if (!options || typeof options !== 'object') fail('createAuthClient() needs an options object');
  const { clientId, redirectUri, issuer, postLogoutRedirectUri, autoRefresh = true } = options;
  if (typeof clientId !== 'string' || !clientId) fail('`clientId` must be a non-empty string');
  const redirect = tryUrl(redirectUri);
  if (!redirect || !/^https?:$/.test(redirect.protocol)) fail(`\`redirectUri\` must be an absolute http(s) URL, got ${JSON.stringify(redirectUri)}`);
  if (issuer !== undefined) parseSecureUrl(issuer, '`issuer`');
  if (!issuer && !options.endpoints) fail('pass `issuer` (for discovery) or `endpoints` ({ authorization, token })');
  const endpoints = options.endpoints ? explicitEndpoints(options.endpoints, issuer) : undefined;
  const { scope, openid } = parseScope(options.scope);
  if (openid && !issuer) fail('the `openid` scope needs `issuer` (to validate ID tokens)');
  const leeway = options.refreshLeewaySeconds ?? 60;
  if (!(Number.isFinite(leeway) && leeway >= 0)) fail('`refreshLeewaySeconds` must be a non-negative number');
  if (postLogoutRedirectUri !== undefined && !tryUrl(postLogoutRedirectUri)) fail('`postLogoutRedirectUri` must be an absolute URL');
  if (options.fetch !== undefined && typeof options.fetch !== 'function') fail('`fetch` must be a function');
  const alg = options.idTokenSigningAlg;
  if (alg !== undefined && (typeof alg !== 'string' || !alg)) fail('`idTokenSigningAlg` must be a JWS algorithm name such as "ES256"');
  const origin = pageLocation()?.origin ?? (redirect as URL).origin;
  const [session, pending, shared] = resolveStorage(options.storage);
  return Object.freeze({
    clientId,
    redirectUri,
    redirect: redirect as URL,
    issuer: issuer ?? (endpoints as ServerMetadata).issuer,
    endpoints,
    scope,
    openid,
    authorizeParams: { ...options.authorizeParams },
    postLogoutRedirectUri,
    leewayMs: leeway * 1000,
    autoRefresh,
    ctx: { fetch: options.fetch },
    client: defined<oauth.Client>({ client_id: clientId, id_token_signed_response_alg: alg }),
    navigate: options.navigate ?? defaultNavigate,
    origin,
    apis: parseApis(options.apis, origin),
    storage: { session, pending, shared },
    prefix: `pkce-auth:${clientId}`,
  });
}
