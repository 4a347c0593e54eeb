import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { defined } from '../objects.js';
import type { ServerMetadata } from '../protocol/discovery.js';
import { createPkcePair } from '../pkce.js';
import { pushAuthorization } from '../protocol/pushedAuthorization.js';
import type { LoginOptions } from '../types.js';
import { normalizeReturnTo, pageLocation } from '../url.js';
import type { AuthStateStore } from './authState.js';
import type { Dpop } from './dpop.js';
import type { Logout } from './logout.js';
import type { ClientConfig } from './options.js';
import type { PendingLogin, PendingLogins } from './pendingLogins.js';
import type { MetadataSource } from './serverMetadata.js';
import type { Session } from './session.js';

export interface LoginDeps {
  config: ClientConfig;
  metadata: MetadataSource;
  pending: PendingLogins;
  session: Session;
  state: AuthStateStore;
  logout: Pick<Logout, 'leaving' | 'departures'>;
  dpop: Dpop | undefined;
}

/** Where to return after the callback: a same-origin path, never the callback page itself (its response is spent). */
function returnPath(config: ClientConfig, returnTo: string | undefined): string {
  const page = pageLocation();
  const here = page ? page.pathname + page.search + page.hash : '/';
  const path = normalizeReturnTo(returnTo ?? here, config.origin);
  return new URL(path, config.origin).pathname === config.redirect.pathname ? '/' : path;
}

/** `max_age` (OIDC Core §3.1.2.1) as whole seconds, enforced on the ID token's `auth_time`. */
function parseMaxAge(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new AuthError('invalid_config', `\`max_age\` must be a whole number of seconds, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** Whether to push the request first (RFC 9126): `par: true`, or `'auto'` and the server requires it. */
function pushes(config: ClientConfig, meta: ServerMetadata): boolean {
  if (config.par === true && !meta.pushed_authorization_request_endpoint) {
    throw new AuthError('invalid_config', `\`par: true\`, but ${meta.issuer} has no pushed_authorization_request_endpoint; use par: 'auto'`);
  }
  if (config.par === false && meta.require_pushed_authorization_requests === true) {
    throw new AuthError('invalid_config', `${meta.issuer} requires pushed authorization requests, but \`par: false\`; use par: 'auto'`);
  }
  return config.par === true || (config.par === 'auto' && meta.require_pushed_authorization_requests === true);
}

/** The authorization URL: the parameters themselves, or only `client_id` and a pushed `request_uri`. */
async function authorizeUrl(deps: LoginDeps, meta: ServerMetadata, params: URLSearchParams): Promise<string> {
  const url = new URL(meta.authorization_endpoint as string);
  let query = params;
  if (pushes(deps.config, meta)) {
    const requestUri = await pushAuthorization(deps.metadata.tokenEndpoint(meta), params);
    query = new URLSearchParams({ client_id: deps.config.clientId, request_uri: requestUri });
  }
  for (const [key, value] of query) url.searchParams.append(key, value);
  return url.href;
}

/** A login's authorization parameters; every `apis[].resource` is a `resource` (RFC 8707 §2). */
function authorizeParams(config: ClientConfig, extra: Record<string, string>, values: Record<string, string | undefined>): URLSearchParams {
  const params = new URLSearchParams(defined<Record<string, string>>({ ...extra, response_type: 'code', client_id: config.clientId, redirect_uri: config.redirectUri, scope: config.scope, ...values }));
  for (const { token } of config.apis) if (token?.resource && !params.getAll('resource').includes(token.resource)) params.append('resource', token.resource);
  return params;
}

/** What a login is started with beyond {@link LoginOptions}: how the popup and restore flows mark theirs. */
export interface LoginRequestOptions extends LoginOptions {
  /** Prepended to the random `state` (the popup's mark, read by the redirect page without storage). */
  statePrefix?: string;
  /** A `prompt=none` restore: its "no session" answers end as `unauthenticated`. */
  silent?: boolean;
}

/** A prepared login: its authorization URL and the pending login to store before going there. */
export interface LoginRequest {
  url: string;
  pending: PendingLogin;
}

/**
 * Creates the preparation of a login: a new verifier, challenge, state and nonce, and the
 * authorization URL (pushed first when PAR applies). Undefined when a logout is on its way.
 */
export function createLoginRequest(deps: LoginDeps): (opts: LoginRequestOptions) => Promise<LoginRequest | undefined> {
  const { config } = deps;
  return async (opts) => {
    const returnTo = returnPath(config, opts.returnTo);
    const extra = { ...config.authorizeParams, ...opts.params };
    const maxAge = parseMaxAge(extra.max_age);
    if (deps.state.getState().status === 'error') deps.state.show(deps.session.current());
    // A logout on its way to the end-session endpoint wins over a login started meanwhile
    // (e.g. a guard reacting to the ended session before the app has navigated away).
    const since = deps.logout.departures();
    if (await deps.logout.leaving(since)) return undefined;
    const meta = await deps.metadata.get();
    const { verifier, challenge } = await createPkcePair();
    // A new DPoP key per login, bound to the code by its thumbprint (RFC 9449 §10).
    const key = await deps.dpop?.newKey();
    const state = (opts.statePrefix ?? '') + oauth.generateRandomState();
    const nonce = config.openid ? oauth.generateRandomNonce() : undefined;
    const params = authorizeParams(config, extra, { state, code_challenge: challenge, code_challenge_method: 'S256', nonce, dpop_jkt: key?.jkt });
    const url = await authorizeUrl(deps, meta, params);
    if (await deps.logout.leaving(since)) return undefined;
    const silent = opts.silent || undefined;
    return { url, pending: defined<PendingLogin>({ state, verifier, nonce, maxAge, returnTo, createdAt: Date.now(), meta, dpopKey: key?.id, silent }) };
  };
}

/**
 * Creates `login()`: the pending login stored and the browser sent to the authorization
 * endpoint. Concurrent calls share one login.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1, https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */
export function createLogin(deps: LoginDeps, prepare = createLoginRequest(deps)): (options?: LoginRequestOptions) => Promise<void> {
  async function start(opts: LoginRequestOptions): Promise<void> {
    const request = await prepare(opts);
    if (!request) return;
    deps.pending.add(request.pending);
    deps.config.navigate(request.url);
  }

  let inFlight: Promise<void> | undefined;
  return (opts = {}) =>
    (inFlight ??= start(opts).finally(() => {
      inFlight = undefined;
    }));
}
