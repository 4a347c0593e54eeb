import type * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { defined, words } from '../objects.js';
import type { ServerMetadata } from '../protocol/discovery.js';
import type { RequestContext } from '../protocol/http.js';
import { checkIssuerTemplate } from '../protocol/issuerTemplate.js';
import { resolveStorage } from '../storage.js';
import type { AuthClientOptions, AuthEndpoints, StorageLike, TokenOptions } from '../types.js';
import { pageLocation, parseSecureUrl, tryUrl } from '../url.js';
import { parseTarget } from './apiTokens.js';

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
  readonly logoutUrl: AuthClientOptions['logoutUrl'];
  /** The multi-tenant issuer template (Entra's `{tenantid}`), when given. */
  readonly issuerTemplate: string | undefined;
  readonly leewayMs: number;
  readonly autoRefresh: boolean;
  readonly ctx: RequestContext;
  /** The oauth4webapi client: id and the expected ID-token algorithm. */
  readonly client: oauth.Client;
  readonly navigate: (url: string) => void;
  /** The app's origin: `location.origin`, or the redirect URI's outside a browser. */
  readonly origin: string;
  /** Where `fetch` may send the access token, and which token each API gets. */
  readonly apis: readonly ApiTarget[];
  /** Tokens bound to a DPoP key (RFC 9449). */
  readonly dpop: boolean;
  readonly par: boolean | 'auto';
  readonly storage: { readonly session: StorageLike; readonly pending: StorageLike; readonly shared: boolean; readonly memory: boolean };
  /** Storage keys and lock/channel names, all under `pkce-auth:<clientId>`. */
  readonly prefix: string;
  /** The sessionStorage key that says this tab session tried a restore, or must not (after a sign-out). */
  readonly restoreMarker: string;
}

/** An API of the `apis` option: where it lives, and which token it gets (none: the session's). */
export interface ApiTarget {
  readonly url: URL;
  readonly token: TokenOptions | undefined;
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

/** The requested scope: the option's and every API's, so the grant covers each API's token. */
function parseScope(value: string | undefined, apis: readonly ApiTarget[]): { scope: string; openid: boolean } {
  const scopes = new Set(words(value ?? 'openid'));
  for (const api of apis) for (const s of words(api.token?.scope)) scopes.add(s);
  const scope = [...scopes].join(' ');
  if (scope.includes(',')) fail('`scope` is space separated, not comma separated');
  return { scope, openid: scopes.has('openid') };
}

function parseApi(api: unknown, i: number): ApiTarget {
  return { url: parseSecureUrl((api as { url?: unknown } | null)?.url, `\`apis[${i}].url\``), token: parseTarget(api, `apis[${i}]`) };
}

function parseApis(apis: AuthClientOptions['apis'], origin: string): ApiTarget[] {
  if (apis === undefined) return [{ url: new URL(origin), token: undefined }];
  if (!Array.isArray(apis)) return fail('`apis` must be an array of { url, resource?, scope? }');
  return apis.map(parseApi);
}

/** The options the provider presets set: checked here so a typo fails at start, not at logout. */
function parseProviderOptions(options: AuthClientOptions): Pick<ClientConfig, 'logoutUrl' | 'issuerTemplate'> {
  const { logoutUrl, issuerTemplate, browserUnsupported } = options;
  if (browserUnsupported !== undefined) fail(`this server cannot sign in a browser app: ${browserUnsupported}`);
  if (logoutUrl !== undefined && typeof logoutUrl !== 'function') fail('`logoutUrl` must be a function returning a URL or undefined');
  if (issuerTemplate !== undefined) checkIssuerTemplate(issuerTemplate);
  return { logoutUrl, issuerTemplate };
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
  const origin = pageLocation()?.origin ?? (redirect as URL).origin;
  const apis = parseApis(options.apis, origin);
  const { scope, openid } = parseScope(options.scope, apis);
  if (openid && !issuer) fail('the `openid` scope needs `issuer` (to validate ID tokens)');
  const leeway = options.refreshLeewaySeconds ?? 60;
  if (!(Number.isFinite(leeway) && leeway >= 0)) fail('`refreshLeewaySeconds` must be a non-negative number');
  if (postLogoutRedirectUri !== undefined && !tryUrl(postLogoutRedirectUri)) fail('`postLogoutRedirectUri` must be an absolute URL');
  if (options.fetch !== undefined && typeof options.fetch !== 'function') fail('`fetch` must be a function');
  const alg = options.idTokenSigningAlg;
  if (alg !== undefined && (typeof alg !== 'string' || !alg)) fail('`idTokenSigningAlg` must be a JWS algorithm name such as "ES256"');
  const { dpop = false, par = 'auto' } = options;
  if (typeof dpop !== 'boolean') fail('`dpop` must be true or false');
  if (par !== 'auto' && typeof par !== 'boolean') fail("`par` must be 'auto', true or false");
  const [session, pending, shared] = resolveStorage(options.storage);
  return Object.freeze({
    ...parseProviderOptions(options),
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
    apis,
    dpop,
    par,
    storage: { session, pending, shared, memory: options.storage === 'memory' },
    prefix: `pkce-auth:${clientId}`,
    restoreMarker: `pkce-auth:${clientId}:restore-tried`,
  });
}
