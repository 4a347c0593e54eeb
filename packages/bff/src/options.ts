import { AuthError, checkIssuerTemplate, parseSecureUrl, type AuthClientOptions, type AuthEndpoints, type ServerClientOptions, type ServerMetadata } from '@pkce-auth/core';
import { cookieNames, type CookieNames } from './cookies.js';
import { deriveKeys, type Keys } from './crypto.js';
import { guardStore, StoreError, type SessionStore } from './store.js';
import { memoryStore } from './stores/memory.js';

/** An API the BFF forwards to: the only places a browser request can reach through it. */
export interface BffApi {
  /** The path on the app's origin, e.g. `/api/notes`; it covers `/api/notes` and `/api/notes/…`, not `/api/notesx`. */
  path: string;
  /** Where it goes: an absolute https URL (http only on loopback); `path` is replaced by it (`/api/notes/5?x=1` → `<target>/5?x=1`). */
  target: string;
  /** The API's resource indicator: its calls carry a token for it alone, got with the refresh token. Default: the session's access token. @see https://www.rfc-editor.org/rfc/rfc8707 */
  resource?: string;
}

/** Options of {@link createBff}. */
export interface BffOptions {
  /** The authorization server's issuer (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  /**
   * A multi-tenant issuer, as `entra({ tenant: 'common' })` sets it
   * (`https://login.microsoftonline.com/{tenantid}/v2.0`): discovery at `issuer` may name this
   * template, and each ID token's (and logout token's) `iss` must be it filled with the token's own `tid`.
   */
  issuerTemplate?: string;
  /** The BFF's client id: a confidential client with redirect URI `<baseUrl>/bff/callback`. */
  clientId: string;
  /** Its client secret, sent with HTTP Basic (`client_secret_basic`). */
  clientSecret: string;
  /** The app's public origin (`https://notes.example.com`; http only on loopback); the routes live under `/bff`. */
  baseUrl: string;
  /** The scope of the login; must contain `openid` (the user comes from the ID token), and `offline_access` for refresh. */
  scope: string;
  /** At least 32 bytes (a string or bytes) from which the session and cookie keys are derived; the same on every instance. */
  secret: string | Uint8Array;
  /** Where sessions live. Default {@link memoryStore}`()` (one process only). */
  store?: SessionStore;
  /** The APIs the BFF forwards to, with the access token attached. */
  apis: BffApi[];
  /** Extra authorization request parameters (`prompt`, `acr_values`, `ui_locales`…); the protocol ones cannot be overridden. */
  authorizeParams?: Record<string, string>;
  /** Where the server sends the person after logout. Default `<baseUrl>/`. */
  postLogoutRedirectUri?: string;
  /**
   * Builds the URL the browser goes to after logout, for servers whose logout is not
   * RP-Initiated Logout (Cognito, Auth0: their presets set it); `undefined` skips the server's
   * logout. Default: the discovered `end_session_endpoint`.
   */
  logoutUrl?: AuthClientOptions['logoutUrl'];
  /**
   * Endpoints used in place of the discovered ones, as a provider preset gives them (Cognito's
   * discovery lists no revocation endpoint: with its preset spread in, logout revokes). The BFF
   * still reads the issuer's discovery document (for its keys and the rest); `userinfo` it never calls.
   */
  endpoints?: AuthEndpoints;
  /** Absolute session lifetime in seconds. Default 28 800 (8 hours). */
  sessionTtlSeconds?: number;
  /**
   * A session unused this long (seconds) ends. Default 3 600 (1 hour). A call pushes the expiry
   * back only once a tenth of it has passed since the last push (one store write per tenth, not
   * one per call), so an unused session ends between 0.9 × and 1 × this after its last call.
   */
  idleTtlSeconds?: number;
  /**
   * Receives the failures the browser is not shown: a failed revocation at logout, a store
   * outage behind a 503 (a `StoreError`, once per failed request), an unexpected error behind a
   * 500. Default `console.error`.
   */
  onError?: (error: unknown) => void;
}

/** A validated {@link BffApi}. */
export interface ResolvedApi {
  path: string;
  target: URL;
  resource?: string;
}

/** Everything the routes share, resolved once by {@link resolveOptions}. */
export interface BffConfig {
  /** The `endpoints` option, as metadata fields over the discovered ones (see metadata.ts). */
  endpoints: Partial<ServerMetadata>;
  /** What the core's server-side functions take: issuer (and its template), client, client_secret_basic (and the `endpoints` token and revocation endpoints). */
  client: ServerClientOptions & { issuer: string; clientSecret: string };
  baseUrl: URL;
  redirectUri: string;
  scope: string;
  authorizeParams: Record<string, string>;
  postLogoutRedirectUri: string;
  logoutUrl: AuthClientOptions['logoutUrl'];
  sessionTtlMs: number;
  idleTtlMs: number;
  /** Longest path first, so `/api/notes/tags` wins over `/api/notes`. */
  apis: ResolvedApi[];
  store: SessionStore;
  keys: Keys;
  cookies: CookieNames;
  onError: (error: unknown) => void;
}

/** Parameters of the authorization request that the BFF sets and `authorizeParams` may not. */
const PROTOCOL_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'request_uri', 'request', 'response_mode'];

const fail = (message: string): never => {
  throw new AuthError('invalid_config', message);
};

function text(value: unknown, name: string): string {
  return typeof value === 'string' && value !== '' ? value : fail(`\`${name}\` must be a non-empty string`);
}

/** An https URL, or http on a loopback host (the core's rule for the authorization server), without query or fragment. */
function secureUrl(value: unknown, name: string): URL {
  const url = parseSecureUrl(value, `\`${name}\``);
  return url.search || url.hash ? fail(`\`${name}\` must have no query or fragment, got ${JSON.stringify(value)}`) : url;
}

function seconds(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  return Number.isInteger(value) && (value as number) > 0 ? (value as number) : fail(`\`${name}\` must be a positive whole number of seconds`);
}

function resolveApi(api: BffApi, index: number): ResolvedApi {
  const name = `apis[${index}]`;
  const path = text(api?.path, `${name}.path`);
  if (!/^\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/.test(path) || path.endsWith('/') || path.includes('//') || /\/\.\.?(\/|$)/.test(path)) {
    fail(`\`${name}.path\` must be a plain path like /api/notes (no trailing slash, dot segments, query or fragment), got ${JSON.stringify(path)}`);
  }
  if (path === '/bff' || path.startsWith('/bff/')) fail(`\`${name}.path\` must not be under /bff, the BFF's own routes`);
  const target = secureUrl(api.target, `${name}.target`);
  if (api.resource === undefined) return { path, target };
  // A resource indicator is an identifier, compared as given: any absolute URI without a
  // fragment (RFC 8707 §2), `urn:` and `api://` ones included; never normalised.
  const resource: unknown = api.resource;
  if (typeof resource !== 'string' || !URL.parse(resource) || resource.includes('#')) fail(`\`${name}.resource\` must be an absolute URI without a fragment, got ${JSON.stringify(resource)}`);
  return { path, target, resource: resource as string };
}

function resolveApis(apis: unknown): ResolvedApi[] {
  if (!Array.isArray(apis)) return fail('`apis` must be an array of { path, target, resource? } (it may be empty)');
  const resolved = apis.map(resolveApi);
  const paths = resolved.map((api) => api.path);
  const twice = paths.find((path, i) => paths.indexOf(path) !== i);
  if (twice) fail(`\`apis\` lists the path ${twice} twice`);
  return resolved.sort((a, b) => b.path.length - a.path.length);
}

function resolveAuthorizeParams(params: unknown): Record<string, string> {
  if (params === undefined) return {};
  if (typeof params !== 'object' || params === null) return fail('`authorizeParams` must be an object of strings');
  for (const [key, value] of Object.entries(params)) {
    if (PROTOCOL_PARAMS.includes(key)) fail(`\`authorizeParams\` must not set ${key}: the BFF sets it`);
    if (typeof value !== 'string') fail(`\`authorizeParams.${key}\` must be a string`);
  }
  return { ...(params as Record<string, string>) };
}

/** The `endpoints` option's names and the metadata fields they replace. */
const ENDPOINT_FIELDS = { authorization: 'authorization_endpoint', token: 'token_endpoint', revocation: 'revocation_endpoint', endSession: 'end_session_endpoint', userinfo: 'userinfo_endpoint' } as const;

/** The `endpoints` option as metadata fields, each an absolute https URL (http only on loopback). */
function resolveEndpoints(given: BffOptions['endpoints']): Partial<ServerMetadata> {
  if (given === undefined) return {};
  if (typeof given !== 'object' || given === null) fail('`endpoints` must be an object of URLs');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    const field = ENDPOINT_FIELDS[name as keyof typeof ENDPOINT_FIELDS];
    if (!field) fail(`\`endpoints.${name}\` is not an endpoint the BFF knows (${Object.keys(ENDPOINT_FIELDS).join(', ')})`);
    if (value !== undefined) out[field] = parseSecureUrl(value, `\`endpoints.${name}\``).href;
  }
  return out;
}

/**
 * Validates {@link BffOptions} and derives what the routes share.
 *
 * @throws AuthError `invalid_config` naming the option at fault.
 */
export function resolveOptions(options: BffOptions): BffConfig {
  if (typeof options !== 'object' || options === null) fail('createBff needs an options object');
  const keys = deriveKeys(options.secret);
  const issuer = secureUrl(text(options.issuer, 'issuer'), 'issuer') && options.issuer;
  const baseUrl = secureUrl(options.baseUrl, 'baseUrl');
  if (baseUrl.pathname !== '/') fail(`\`baseUrl\` must be an origin (the routes live under /bff), got ${JSON.stringify(options.baseUrl)}`);
  const endpoints = resolveEndpoints(options.endpoints);
  const scope = text(options.scope, 'scope');
  if (!scope.split(/\s+/).includes('openid')) fail('`scope` must contain openid: the BFF learns who signed in from the ID token');
  const sessionTtl = seconds(options.sessionTtlSeconds, 'sessionTtlSeconds', 8 * 3600);
  const idleTtl = Math.min(seconds(options.idleTtlSeconds, 'idleTtlSeconds', 3600), sessionTtl);
  return {
    endpoints,
    client: {
      issuer,
      clientId: text(options.clientId, 'clientId'),
      clientSecret: text(options.clientSecret, 'clientSecret'),
      authMethod: 'client_secret_basic',
      ...(options.issuerTemplate !== undefined ? { issuerTemplate: checkIssuerTemplate(options.issuerTemplate) } : {}),
      ...(endpoints.token_endpoint ? { tokenEndpoint: endpoints.token_endpoint } : {}),
      ...(endpoints.revocation_endpoint ? { revocationEndpoint: endpoints.revocation_endpoint } : {}),
    },
    baseUrl,
    redirectUri: new URL('/bff/callback', baseUrl).href,
    scope,
    authorizeParams: resolveAuthorizeParams(options.authorizeParams),
    postLogoutRedirectUri: options.postLogoutRedirectUri === undefined ? baseUrl.href : secureUrl(options.postLogoutRedirectUri, 'postLogoutRedirectUri').href,
    logoutUrl: typeof options.logoutUrl === 'function' || options.logoutUrl === undefined ? options.logoutUrl : fail('`logoutUrl` must be a function returning a URL or undefined'),
    sessionTtlMs: sessionTtl * 1000,
    idleTtlMs: idleTtl * 1000,
    apis: resolveApis(options.apis),
    store: guardStore(options.store ?? memoryStore()),
    keys,
    cookies: cookieNames(baseUrl),
    // A store outage is one line per failed request (its message says what and why), not a stack.
    onError: typeof options.onError === 'function' ? options.onError : (error) => console.error('[@pkce-auth/bff]', error instanceof StoreError ? error.message : error),
  };
}
