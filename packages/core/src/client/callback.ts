import { AuthError, isAuthError } from '../errors.js';
import { defined, noop } from '../objects.js';
import { validateCallback } from '../protocol/callback.js';
import type * as oauth from 'oauth4webapi';
import { codeGrant, type TokenEndpoint } from '../protocol/tokenRequests.js';
import type { TokenResult, TokenSet } from '../protocol/tokenResponse.js';
import type { AuthUser, CallbackResult } from '../types.js';
import { normalizeReturnTo, pageLocation, tryUrl } from '../url.js';
import type { AuthStateStore } from './authState.js';
import type { Dpop } from './dpop.js';
import type { ClientConfig } from './options.js';
import { POPUP_STATE } from './popup.js';
import { PENDING_TTL_MS, type PendingLogin, type PendingLogins } from './pendingLogins.js';
import type { MetadataSource } from './serverMetadata.js';
import type { Session } from './session.js';
import { newRefreshId, type StoredSession } from './storedSession.js';

export interface CallbackDeps {
  config: ClientConfig;
  pending: PendingLogins;
  metadata: MetadataSource;
  session: Session;
  state: AuthStateStore;
  dpop: Dpop | undefined;
}

/** Completes logins at the redirect URI: one code exchange per `state` for the life of the page. */
export interface CallbackHandler {
  /** `handleCallback()`: in a popup's redirect page, the hand-off to the opener; else {@link exchange}. */
  handle(url?: string): Promise<CallbackResult>;
  /** Validates the response in `url` and exchanges its code, once per `state`. */
  exchange(url: string): Promise<CallbackResult>;
  /** The last exchange, settled or not, for callers that wait for its session. */
  inFlight(): Promise<unknown> | undefined;
}

/** The `prompt=none` answers that mean "no session at the server" (OIDC Core §3.1.2.6). */
const NO_SESSION = /^(login|interaction|consent|account_selection)_required$/;

const stateMismatch = (why: string): AuthError => new AuthError('state_mismatch', `${why}; start the login again`);

/** What a pending login read back from storage must hold before its code is spent. */
function checkPending(pending: PendingLogin, config: ClientConfig): void {
  if (Date.now() - pending.createdAt >= PENDING_TTL_MS) throw stateMismatch('this sign-in took longer than 10 minutes and expired');
  if (config.openid && !pending.nonce) throw stateMismatch('this sign-in lacks the nonce its ID token must carry');
  if (config.dpop && !pending.dpopKey?.startsWith(`${config.prefix}:`)) throw stateMismatch('this sign-in lacks the DPoP key its tokens must be bound to');
}

/** The session a code exchange starts. */
function newSession(config: ClientConfig, tokens: TokenSet, claims: oauth.IDToken | undefined, dpopKey: string | undefined): StoredSession {
  return defined<StoredSession>({
    v: 2,
    issuer: config.issuer,
    clientId: config.clientId,
    tokens,
    receivedAt: Date.now(),
    user: claims ? ({ ...claims } as AuthUser) : null,
    refreshId: tokens.refreshToken ? newRefreshId() : undefined,
    dpopKey,
  });
}

/**
 * The code exchange of a pending login, proven with its DPoP key when it has one. The key is
 * kept before the code is spent (a key store failing then costs no tokens) and deleted when the
 * exchange fails (no session will use it).
 */
async function exchangeCode({ config, dpop }: CallbackDeps, te: TokenEndpoint, validated: URLSearchParams, pending: PendingLogin): Promise<TokenResult> {
  const key = pending.dpopKey as string;
  const proof = dpop && (await dpop.handle(key));
  await dpop?.keep(key);
  try {
    return await codeGrant({ ...te, dpop: proof }, validated, config.redirectUri, pending.verifier, { nonce: pending.nonce, maxAge: pending.maxAge });
  } catch (error) {
    // The exchange's error is what the caller sees; a failed deletion leaves only an unused key.
    await dpop?.discard(key).catch(noop);
    throw error;
  }
}

/** Completes one callback: the pending login taken, the response validated, the code exchanged. */
async function complete(deps: CallbackDeps, url: URL): Promise<CallbackResult> {
  const { config, session, state } = deps;
  const states = url.searchParams.getAll('state');
  if (states.length > 1) throw stateMismatch('the callback URL carries `state` more than once');
  const pending = states[0] ? deps.pending.take(states[0]) : undefined;
  if (!pending) {
    const current = session.current();
    if (!current) throw stateMismatch(states[0] ? 'this sign-in matches no login started in this tab (used, expired or from elsewhere)' : 'the callback URL has no `state`');
    // A reload or the back button on the callback page: the session is already there.
    state.show(current);
    return { returnTo: '/' };
  }
  checkPending(pending, config);
  // Checked again at use: storage is outside input, and a spent code cannot be taken back.
  const returnTo = normalizeReturnTo(pending.returnTo, config.origin);
  return finish(deps, url, pending, returnTo).catch((error: unknown) => {
    // Where the failed login was to land, for a "Try again" that keeps it.
    if (!(error instanceof AuthError) || error.returnTo !== undefined) throw error;
    const { code, message, error: oauthError, errorDescription, status, cause } = error;
    throw new AuthError(code, message, { error: oauthError, errorDescription, status, cause, returnTo });
  });
}

/** The pending login's response validated and its code exchanged, or a restore's "no session". */
async function finish(deps: CallbackDeps, url: URL, pending: PendingLogin, returnTo: string): Promise<CallbackResult> {
  const { config, session, state } = deps;
  const te = deps.metadata.tokenEndpoint(deps.metadata.forPendingLogin(pending.meta));
  let validated: URLSearchParams;
  try {
    validated = validateCallback(te.as, te.client, url.searchParams, pending.state);
  } catch (error) {
    // A restore that found no session at the server: signed out, which is no failure.
    if (!pending.silent || !isAuthError(error, 'authorization_error') || !NO_SESSION.test(error.error as string)) throw error;
    state.show(session.current());
    return { returnTo };
  }
  const { tokens, claims } = await exchangeCode(deps, te, validated, pending);
  session.establish(newSession(config, tokens, claims, deps.dpop && pending.dpopKey));
  return { returnTo };
}

export function createCallbackHandler(deps: CallbackDeps): CallbackHandler {
  const { config, state, session } = deps;
  const exchanges = new Map<string, Promise<CallbackResult>>();
  let last: Promise<unknown> | undefined;

  function exchange(url?: string): Promise<CallbackResult> {
    const href = url ?? pageLocation()?.href;
    const parsed = href ? tryUrl(href) : undefined;
    if (!parsed) {
      return Promise.reject(
        href ? new AuthError('state_mismatch', `the callback URL is not a URL: ${href}`) : new AuthError('invalid_config', 'handleCallback() needs a URL outside a browser'),
      );
    }
    const states = parsed.searchParams.getAll('state');
    // One exchange per state for the life of the page, whatever React does with effects.
    const key = states.length === 1 ? `state:${states[0]}` : `url:${href}`;
    let promise = exchanges.get(key);
    if (!promise) {
      promise = complete(deps, parsed).catch((cause: unknown) => {
        const error = cause instanceof AuthError ? cause : new AuthError('authorization_error', String(cause), { cause });
        // A failed popup login leaves the opener signed in with the session it had: kept, with the error.
        (states[0]?.startsWith(POPUP_STATE) && session.current() ? state.setError : state.fail)(error);
        throw error;
      });
      exchanges.set(key, promise);
      last = promise.catch(noop);
    }
    return promise;
  }

  return {
    handle(url) {
      const href = url ?? pageLocation()?.href;
      const state = href ? tryUrl(href)?.searchParams.get('state') : undefined;
      // A popup's response goes to the opener, which holds its pending login (popupHandoff.ts).
      if (state?.startsWith(POPUP_STATE)) return import('./popupHandoff.js').then((m) => m.handOff(`${config.prefix}:popup`, href as string));
      return exchange(href);
    },
    exchange,
    inFlight: () => last,
  };
}
