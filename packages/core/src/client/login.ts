import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { defined } from '../objects.js';
import type { ServerMetadata } from '../protocol/discovery.js';
import { createPkcePair } from '../pkce.js';
import type { LoginOptions } from '../types.js';
import { normalizeReturnTo, pageLocation } from '../url.js';
import type { AuthStateStore } from './authState.js';
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

function authorizeUrl(meta: ServerMetadata, params: Record<string, string>): string {
  const url = new URL(meta.authorization_endpoint as string);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.href;
}

/**
 * Creates `login()`: a new verifier, challenge, state and nonce; the pending login stored; the
 * browser sent to the authorization endpoint. Concurrent calls share one login.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1, https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */
export function createLogin(deps: LoginDeps): (options?: LoginOptions) => Promise<void> {
  const { config } = deps;

  async function start(opts: LoginOptions): Promise<void> {
    const returnTo = returnPath(config, opts.returnTo);
    const extra = { ...config.authorizeParams, ...opts.params };
    const maxAge = parseMaxAge(extra.max_age);
    if (deps.state.getState().status === 'error') deps.state.show(deps.session.current());
    // A logout on its way to the end-session endpoint wins over a login started meanwhile
    // (e.g. a guard reacting to the ended session before the app has navigated away).
    const since = deps.logout.departures();
    if (await deps.logout.leaving(since)) return;
    const meta = await deps.metadata.get();
    const { verifier, challenge } = await createPkcePair();
    if (await deps.logout.leaving(since)) return;
    const state = oauth.generateRandomState();
    const nonce = config.openid ? oauth.generateRandomNonce() : undefined;
    deps.pending.add(defined<PendingLogin>({ state, verifier, nonce, maxAge, returnTo, createdAt: Date.now(), meta }));
    const params = defined<Record<string, string>>({
      ...extra,
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: config.redirectUri,
      scope: config.scope,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      nonce,
    });
    config.navigate(authorizeUrl(meta, params));
  }

  let inFlight: Promise<void> | undefined;
  return (opts = {}) =>
    (inFlight ??= start(opts).finally(() => {
      inFlight = undefined;
    }));
}
