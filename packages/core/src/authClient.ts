import * as oauth from 'oauth4webapi';
import { AuthError } from './errors.js';
import { createPkcePair } from './pkce.js';
import {
  asServer,
  discover,
  httpOptions,
  oauthClient,
  processTokenResponse,
  requestError,
  type ServerMetadata,
  type TokenSet,
} from './protocol.js';
import { parsePending, parseSession, type PendingLogin, type StoredSession } from './session.js';
import { readJson, resolveStorage, safeRemove, writeJson } from './storage.js';
import { createStore } from './store.js';
import type { AuthClient, AuthClientOptions, AuthState, AuthTokens, AuthUser, LoginOptions, LogoutOptions } from './types.js';
import { normalizeReturnTo, parseSecureUrl } from './url.js';

/** How long a pending login waits for its callback. */
const PENDING_TTL_MS = 10 * 60_000;
/** Refresh attempts allowed per sliding minute while the server fails. */
const MAX_ATTEMPTS_PER_MINUTE = 5;
/** How long a storage lease (the fallback for Web Locks) is held at most. */
const LEASE_MS = 10_000;

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

const noop = (): void => {};

function locationOf(): Location | undefined {
  return typeof location === 'undefined' ? undefined : location;
}

/**
 * Creates the session client: PKCE logins, the callback, token lifecycle, storage, refresh and
 * cross-tab sync. Create it once at module scope; it is usable outside React.
 *
 * @throws AuthError `invalid_config` when an option is unusable (the message names it).
 * @see https://www.rfc-editor.org/rfc/rfc7636 (PKCE), https://www.rfc-editor.org/rfc/rfc9700 (security BCP)
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const config = validateOptions(options);
  const { clientId } = config;
  const storage = resolveStorage(options.storage);
  const prefix = `pkce-auth:${clientId}`;
  const sessionKey = `${prefix}:session`;
  const pendingKey = `${prefix}:pending`;
  const leaseKey = `${prefix}:refresh-lease`;
  const client = oauthClient(clientId);
  const ctx = { fetch: options.fetch };
  const now = (): number => Date.now();
  const tabId = Math.random().toString(36).slice(2);

  // ---- session persistence -------------------------------------------------------------------
  const loadSession = (): StoredSession | undefined => {
    const raw = readJson(storage.session, sessionKey);
    if (raw === undefined) return undefined;
    const parsed = parseSession(raw, clientId);
    if (!parsed) safeRemove(storage.session, sessionKey);
    return parsed;
  };
  const dueAt = (s: StoredSession): number => {
    const { expiresAt } = s.tokens;
    if (expiresAt === undefined) return Infinity;
    const lifetime = Math.max(0, expiresAt - s.receivedAt);
    return expiresAt - Math.min(config.leewayMs, lifetime / 2);
  };
  const isExpired = (s: StoredSession): boolean => s.tokens.expiresAt !== undefined && now() >= s.tokens.expiresAt;
  const isDue = (s: StoredSession): boolean => now() >= dueAt(s);

  let current = loadSession();
  if (current && isExpired(current) && !current.tokens.refreshToken) {
    // An expired session that cannot be refreshed is no session at all.
    safeRemove(storage.session, sessionKey);
    current = undefined;
  }
  /** Bumped whenever the session is replaced or ended, so late refresh results are dropped. */
  let epoch = 0;

  const publicTokens = (t: TokenSet): AuthTokens => {
    const out: AuthTokens = { accessToken: t.accessToken, tokenType: t.tokenType };
    if (t.expiresAt !== undefined) out.expiresAt = t.expiresAt;
    if (t.scope !== undefined) out.scope = t.scope;
    if (t.idToken !== undefined) out.idToken = t.idToken;
    return out;
  };

  const store = createStore<AuthState>({
    status: isCallbackLocation() ? 'loading' : current ? 'authenticated' : 'unauthenticated',
    user: current?.user ?? null,
    tokens: current ? publicTokens(current.tokens) : null,
    error: null,
  });

  /** Shows `session` in the state, keeping object identity for parts that did not change. */
  const showSession = (session: StoredSession | undefined, patch: Partial<AuthState> = {}): void => {
    const prev = store.getState();
    let tokens: AuthTokens | null = null;
    let user: AuthUser | null = null;
    if (session) {
      const next = publicTokens(session.tokens);
      tokens = prev.tokens && shallowEqual(prev.tokens, next) ? prev.tokens : next;
      user = prev.user && session.user && JSON.stringify(prev.user) === JSON.stringify(session.user) ? prev.user : session.user;
    }
    store.setState({ status: session ? 'authenticated' : 'unauthenticated', tokens, user, ...patch });
  };

  const saveSession = (session: StoredSession): void => {
    writeJson(storage.session, sessionKey, session);
    current = session;
    broadcast();
  };

  const clearSession = (): void => {
    current = undefined;
    epoch++;
    safeRemove(storage.session, sessionKey);
    resetRetry();
    clearTimer();
    broadcast();
  };

  function isCallbackLocation(): boolean {
    const loc = locationOf();
    if (!loc) return false;
    const redirect = new URL(config.redirectUri);
    if (loc.origin !== redirect.origin || loc.pathname !== redirect.pathname) return false;
    const params = new URLSearchParams(loc.search);
    return params.has('state') && (params.has('code') || params.has('error'));
  }

  // ---- pending logins (sessionStorage or memory, never localStorage) ---------------------------
  const readPending = (): Record<string, PendingLogin> => {
    const raw = readJson(storage.pending, pendingKey);
    const out: Record<string, PendingLogin> = {};
    if (typeof raw !== 'object' || raw === null) return out;
    for (const value of Object.values(raw as Record<string, unknown>)) {
      const pending = parsePending(value);
      if (pending && now() - pending.createdAt < PENDING_TTL_MS) out[pending.state] = pending;
    }
    return out;
  };
  const writePending = (all: Record<string, PendingLogin>): void => {
    if (Object.keys(all).length === 0) safeRemove(storage.pending, pendingKey);
    else writeJson(storage.pending, pendingKey, all);
  };
  /** Removes and returns the pending login for `state`: each can be used once. */
  const takePending = (state: string): PendingLogin | undefined => {
    const raw = readJson(storage.pending, pendingKey) as Record<string, unknown> | undefined;
    const found = raw && typeof raw === 'object' && Object.hasOwn(raw, state) ? parsePending(raw[state]) : undefined;
    const all = readPending();
    delete all[state];
    writePending(all);
    return found;
  };

  // ---- metadata -------------------------------------------------------------------------------
  const metadata = async (): Promise<ServerMetadata> => {
    if (config.endpoints) return config.endpoints;
    const meta = await discover(config.issuer as string, ctx);
    if (!meta.authorization_endpoint || !meta.token_endpoint) {
      throw new AuthError('discovery_failed', `the discovery document of ${meta.issuer} lacks authorization_endpoint or token_endpoint`);
    }
    if (meta.code_challenge_methods_supported && !meta.code_challenge_methods_supported.includes('S256')) {
      throw new AuthError('discovery_failed', `${meta.issuer} does not advertise PKCE S256 (code_challenge_methods_supported); enable it for this client`);
    }
    return meta;
  };

  // ---- refresh: single flight, cross-tab lock, bounded backoff --------------------------------
  let refreshPromise: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const retry = { failures: 0, nextAt: 0, attempts: [] as number[], lastError: null as AuthError | null };

  function resetRetry(): void {
    retry.failures = 0;
    retry.nextAt = 0;
    retry.attempts = [];
    retry.lastError = null;
  }
  function clearTimer(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  }
  const canAttempt = (): boolean => now() >= retry.nextAt;
  const noteAttempt = (): void => {
    retry.attempts = retry.attempts.filter((t) => now() - t < 60_000);
    retry.attempts.push(now());
  };
  const noteFailure = (error: AuthError): void => {
    retry.failures++;
    retry.lastError = error;
    // Exponential from 1 s with up to 30 % jitter, capped at a minute...
    const backoff = Math.min(60_000, 1000 * 2 ** (retry.failures - 1)) * (1 + Math.random() * 0.3);
    let next = now() + backoff;
    // ...and never more than MAX_ATTEMPTS_PER_MINUTE in any sliding minute.
    const recent = retry.attempts.filter((t) => now() - t < 60_000);
    if (recent.length >= MAX_ATTEMPTS_PER_MINUTE) {
      next = Math.max(next, (recent[recent.length - MAX_ATTEMPTS_PER_MINUTE] as number) + 60_000);
    }
    retry.nextAt = next;
  };

  function schedule(): void {
    clearTimer();
    if (destroyed || !config.autoRefresh || !current?.tokens.refreshToken || current.tokens.expiresAt === undefined) return;
    const at = Math.max(dueAt(current), retry.nextAt);
    // setTimeout overflows above 2^31-1 ms; a later re-schedule covers very long lifetimes.
    const delay = Math.min(Math.max(0, at - now()), 2 ** 31 - 1);
    timer = setTimeout(() => {
      timer = undefined;
      if (current && isDue(current) && canAttempt()) runRefresh(false).catch(noop);
      else schedule();
    }, delay);
  }

  const withRefreshLock = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (!storage.shared) return fn();
    const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
    if (locks && typeof locks.request === 'function') return locks.request(`${prefix}:refresh`, fn);
    return withLease(fn);
  };

  /** Fallback for browsers without Web Locks: a lease in localStorage with an expiry. */
  const withLease = async <T>(fn: () => Promise<T>): Promise<T> => {
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    // Bounded: a holder that died is ignored once its lease expires (LEASE_MS).
    for (let i = 0; i < 2 * (LEASE_MS / 100); i++) {
      const lease = readJson(storage.session, leaseKey) as { id?: unknown; until?: unknown } | undefined;
      if (!lease || typeof lease.until !== 'number' || lease.until < now() || lease.id === tabId) {
        writeJson(storage.session, leaseKey, { id: tabId, until: now() + LEASE_MS });
        await sleep(30);
        const check = readJson(storage.session, leaseKey) as { id?: unknown } | undefined;
        if (check?.id === tabId) break;
      }
      await sleep(100);
    }
    try {
      return await fn();
    } finally {
      const lease = readJson(storage.session, leaseKey) as { id?: unknown } | undefined;
      if (lease?.id === tabId) safeRemove(storage.session, leaseKey);
    }
  };

  const endSession = (error: AuthError | null): void => {
    clearSession();
    showSession(undefined, { error });
  };

  /** One refresh for every caller in this tab; `force` ignores whether the token is due. */
  function runRefresh(force: boolean): Promise<void> {
    refreshPromise ??= withRefreshLock(() => refreshLocked(force)).finally(() => {
      refreshPromise = undefined;
    });
    return refreshPromise;
  }

  async function refreshLocked(force: boolean): Promise<void> {
    const seen = current;
    const startEpoch = epoch;
    // Inside the lock the stored session is the truth: another tab may have refreshed already.
    const session = storage.shared ? loadSession() : current;
    if (!session) {
      if (seen) endSession(null);
      throw new AuthError('login_required', 'there is no session to refresh (it ended, perhaps in another tab); sign in again');
    }
    if (seen && session.tokens.accessToken !== seen.tokens.accessToken) {
      adopt(session);
      if (!isDue(session)) return;
    } else if (!force && !isDue(session)) {
      return;
    }
    const refreshToken = session.tokens.refreshToken;
    if (!refreshToken) {
      if (isExpired(session)) {
        endSession(null);
        throw new AuthError('login_required', 'the access token expired and the server issued no refresh token; sign in again (ask for offline_access)');
      }
      throw new AuthError('login_required', 'the server issued no refresh token, so the session cannot be refreshed; sign in again (ask for offline_access)');
    }
    noteAttempt();
    try {
      const as = asServer(session.meta);
      const tokenEndpoint = session.meta.token_endpoint as string;
      let response: Response;
      try {
        response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, httpOptions(tokenEndpoint, ctx));
      } catch (cause) {
        throw requestError(cause, 'could not reach the token endpoint to refresh the session');
      }
      const { tokens, claims } = await processTokenResponse(response, (r) => oauth.processRefreshTokenResponse(as, client, r));
      if (claims && session.user && claims.sub !== session.user.sub) {
        throw new AuthError('invalid_id_token', 'the refreshed ID token is for another subject (`sub` changed); sign in again');
      }
      if (epoch !== startEpoch) return; // logged out meanwhile: drop the result
      const next: StoredSession = {
        ...session,
        receivedAt: now(),
        tokens: {
          ...tokens,
          // Servers that do not rotate omit refresh_token: the old one stays valid.
          refreshToken: tokens.refreshToken ?? refreshToken,
          ...(tokens.idToken ?? session.tokens.idToken ? { idToken: (tokens.idToken ?? session.tokens.idToken) as string } : {}),
          ...(tokens.scope ?? session.tokens.scope ? { scope: (tokens.scope ?? session.tokens.scope) as string } : {}),
        },
        user: claims ? ({ ...claims } as AuthUser) : session.user,
      };
      saveSession(next);
      resetRetry();
      showSession(next, { error: null });
      schedule();
    } catch (cause) {
      const error = cause instanceof AuthError ? cause : requestError(cause, 'refresh failed');
      if (epoch !== startEpoch) throw error;
      if (error.code === 'token_error') {
        // Lost a race with another tab that rotated the refresh token first: use its session.
        const latest = storage.shared ? loadSession() : undefined;
        if (latest && latest.tokens.refreshToken !== refreshToken) {
          adopt(latest);
          return;
        }
        endSession(error);
        throw error;
      }
      noteFailure(error);
      store.setState({ error });
      schedule();
      throw error;
    }
  }

  /** Takes over a session another tab stored. */
  function adopt(session: StoredSession): void {
    if (current !== session) epoch++;
    current = session;
    resetRetry();
    showSession(session, { error: null });
    schedule();
  }

  // ---- cross-tab sync ('local') -----------------------------------------------------------------
  let channel: BroadcastChannel | undefined;
  const cleanups: (() => void)[] = [];
  function broadcast(): void {
    channel?.postMessage({ type: 'session-changed', from: tabId });
  }
  function syncFromStorage(): void {
    const stored = loadSession();
    if (!stored) {
      if (current) endSession(null);
      return;
    }
    if (current && JSON.stringify(current) === JSON.stringify(stored)) return;
    adopt(stored);
  }
  const win = typeof window === 'undefined' ? undefined : window;
  if (storage.shared) {
    if (typeof BroadcastChannel === 'function') {
      channel = new BroadcastChannel(prefix);
      channel.onmessage = (event: MessageEvent) => {
        const data = event.data as { type?: unknown; from?: unknown } | null;
        if (data?.type === 'session-changed' && data.from !== tabId) syncFromStorage();
      };
      const c = channel;
      cleanups.push(() => c.close());
    }
    if (win) {
      const onStorage = (event: StorageEvent): void => {
        if (event.key === sessionKey || event.key === null) syncFromStorage();
      };
      win.addEventListener('storage', onStorage);
      cleanups.push(() => win.removeEventListener('storage', onStorage));
    }
  }
  if (win) {
    const onOnline = (): void => {
      // Back online: one immediate attempt whatever the backoff says.
      retry.nextAt = 0;
      if (current?.tokens.refreshToken && isDue(current)) runRefresh(false).catch(noop);
    };
    const onVisible = (): void => {
      if (typeof document !== 'undefined' && document.visibilityState !== 'visible') return;
      if (storage.shared) syncFromStorage();
      if (current?.tokens.refreshToken && isDue(current) && canAttempt()) runRefresh(false).catch(noop);
    };
    win.addEventListener('online', onOnline);
    cleanups.push(() => win.removeEventListener('online', onOnline));
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', onVisible);
      cleanups.push(() => document.removeEventListener('visibilitychange', onVisible));
    }
  }

  let destroyed = false;
  if (current && store.getState().status === 'authenticated') schedule();

  // ---- the callback -----------------------------------------------------------------------------
  const callbacks = new Map<string, Promise<{ returnTo: string }>>();
  let callbackInFlight: Promise<unknown> | undefined;

  async function completeCallback(url: URL): Promise<{ returnTo: string }> {
    const params = url.searchParams;
    const states = params.getAll('state');
    if (states.length > 1) {
      throw new AuthError('state_mismatch', 'the callback URL carries `state` more than once; start the login again');
    }
    const state = states[0];
    const pending = state ? takePending(state) : undefined;
    if (!pending) {
      if (current) {
        // A reload or the back button on the callback page: the session is already there.
        showSession(current, { error: null });
        return { returnTo: '/' };
      }
      throw new AuthError(
        'state_mismatch',
        state
          ? 'this sign-in response matches no login started in this tab (already used, expired after 10 minutes, or started elsewhere); start the login again'
          : 'the callback URL has no `state`; start the login again',
      );
    }
    if (now() - pending.createdAt >= PENDING_TTL_MS) {
      throw new AuthError('state_mismatch', 'this sign-in took longer than 10 minutes and expired; start the login again');
    }
    const as = asServer(pending.meta);
    let validated: URLSearchParams;
    try {
      validated = oauth.validateAuthResponse(as, client, params, pending.state);
    } catch (cause) {
      throw callbackError(cause, pending.meta.issuer);
    }
    if (validated.getAll('code').length !== 1) {
      throw new AuthError('authorization_error', 'the callback URL must carry exactly one `code`; start the login again');
    }
    let response: Response;
    const tokenEndpoint = pending.meta.token_endpoint as string;
    try {
      response = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.None(),
        validated,
        pending.redirectUri,
        pending.verifier,
        httpOptions(tokenEndpoint, ctx),
      );
    } catch (cause) {
      throw requestError(cause, 'could not reach the token endpoint to finish signing in');
    }
    const { tokens, claims } = await processTokenResponse(response, (r) =>
      oauth.processAuthorizationCodeResponse(as, client, r, pending.nonce ? { expectedNonce: pending.nonce, requireIdToken: true } : {}),
    );
    const session: StoredSession = {
      v: 1,
      clientId,
      tokens,
      receivedAt: now(),
      user: claims ? ({ ...claims } as AuthUser) : null,
      meta: pending.meta,
    };
    epoch++;
    resetRetry();
    saveSession(session);
    showSession(session, { error: null });
    schedule();
    return { returnTo: pending.returnTo };
  }

  // ---- the public client ------------------------------------------------------------------------
  const authClient: AuthClient = {
    getState: store.getState,
    subscribe: store.subscribe,

    async login(opts: LoginOptions = {}) {
      const loc = locationOf();
      const origin = loc?.origin ?? new URL(config.redirectUri).origin;
      const redirectPath = new URL(config.redirectUri).pathname;
      let returnTo = normalizeReturnTo(opts.returnTo ?? (loc ? `${loc.pathname}${loc.search}${loc.hash}` : '/'), origin);
      // Returning to the callback page would replay a spent response.
      if (new URL(returnTo, origin).pathname === redirectPath) returnTo = '/';
      if (store.getState().status === 'error') showSession(current, { error: null });
      const meta = await metadata();
      const { verifier, challenge } = await createPkcePair();
      const state = oauth.generateRandomState();
      const nonce = config.openid ? oauth.generateRandomNonce() : undefined;
      const pending: PendingLogin = { state, verifier, returnTo, createdAt: now(), redirectUri: config.redirectUri, meta };
      if (nonce) pending.nonce = nonce;
      const all = readPending();
      all[state] = pending;
      writePending(all);
      const url = new URL(meta.authorization_endpoint as string);
      for (const [key, value] of Object.entries({ ...config.authorizeParams, ...opts.params })) url.searchParams.set(key, value);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('redirect_uri', config.redirectUri);
      url.searchParams.set('scope', config.scope);
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', challenge);
      url.searchParams.set('code_challenge_method', 'S256');
      if (nonce) url.searchParams.set('nonce', nonce);
      config.navigate(url.href);
    },

    handleCallback(url?: string) {
      const href = url ?? locationOf()?.href;
      if (!href) {
        return Promise.reject(new AuthError('invalid_config', 'handleCallback() needs the callback URL outside a browser'));
      }
      let parsed: URL;
      try {
        parsed = new URL(href);
      } catch (cause) {
        return Promise.reject(new AuthError('state_mismatch', `the callback URL is not a URL: ${href}`, { cause }));
      }
      const states = parsed.searchParams.getAll('state');
      // One exchange per state for the life of the page, whatever React does with effects.
      const key = states.length === 1 ? `state:${states[0] as string}` : `url:${href}`;
      const existing = callbacks.get(key);
      if (existing) return existing;
      const promise = completeCallback(parsed).catch((cause: unknown) => {
        const error = cause instanceof AuthError ? cause : new AuthError('authorization_error', String(cause), { cause });
        store.setState({ status: 'error', error, user: null, tokens: null });
        throw error;
      });
      callbacks.set(key, promise);
      callbackInFlight = promise.catch(noop);
      return promise;
    },

    async getAccessToken() {
      if (callbackInFlight) await callbackInFlight;
      const session = current;
      if (!session) throw new AuthError('login_required', 'there is no session: call login() to sign in');
      if (!isDue(session)) return session.tokens.accessToken;
      if (!session.tokens.refreshToken) {
        if (!isExpired(session)) return session.tokens.accessToken;
        endSession(null);
        throw new AuthError('login_required', 'the access token expired and cannot be refreshed; sign in again');
      }
      if (!refreshPromise && !canAttempt()) {
        // Backing off after failures: no request until the next attempt is due.
        if (!isExpired(session)) return session.tokens.accessToken;
        throw retry.lastError ?? new AuthError('network_error', 'the authorization server is unreachable; retrying later');
      }
      try {
        await runRefresh(false);
      } catch (error) {
        if (current && !isExpired(current)) return current.tokens.accessToken;
        throw error;
      }
      if (!current) throw new AuthError('login_required', 'the session ended; sign in again');
      return current.tokens.accessToken;
    },

    async refresh() {
      if (!current) throw new AuthError('login_required', 'there is no session to refresh: call login() to sign in');
      // An explicit refresh is allowed one immediate attempt whatever the backoff says.
      retry.nextAt = 0;
      await runRefresh(true);
    },

    async logout(opts: LogoutOptions = {}) {
      const session = current ?? loadSession();
      endSession(null);
      if (opts.localOnly || !session) return;
      const { meta, tokens } = session;
      if (tokens.refreshToken && meta.revocation_endpoint) {
        try {
          await revoke(meta, tokens.refreshToken);
        } catch (cause) {
          const error = cause instanceof AuthError ? cause : requestError(cause, 'revocation failed');
          // Signed out here either way; say that the server may still honour the refresh token.
          store.setState({
            error: new AuthError(error.code, `signed out in this app, but the server did not revoke the refresh token: ${error.message}`, {
              error: error.error,
              status: error.status,
              cause: error,
            }),
          });
        }
      }
      if (!meta.end_session_endpoint) return;
      const url = new URL(meta.end_session_endpoint);
      if (tokens.idToken) url.searchParams.set('id_token_hint', tokens.idToken);
      url.searchParams.set('client_id', clientId);
      const loc = locationOf();
      const postLogout = opts.returnTo
        ? new URL(normalizeReturnTo(opts.returnTo, loc?.origin ?? new URL(config.redirectUri).origin), loc?.origin ?? config.redirectUri).href
        : config.postLogoutRedirectUri;
      if (postLogout) url.searchParams.set('post_logout_redirect_uri', postLogout);
      config.navigate(url.href);
    },

    async fetch(input: RequestInfo | URL, init?: RequestInit) {
      const token = await authClient.getAccessToken();
      const base = locationOf()?.href;
      const target = typeof input === 'string' && base ? new URL(input, base).href : input;
      const request = new Request(target, init);
      // Kept unread so the request can be replayed once after a 401.
      const replay = request.clone();
      request.headers.set('Authorization', `Bearer ${token}`);
      const send = (r: Request): Promise<Response> => (options.fetch ?? globalThis.fetch)(r);
      const response = await send(request);
      if (response.status !== 401) return response;
      if (current?.tokens.accessToken === token) {
        try {
          await authClient.refresh();
        } catch {
          // The refresh error is in state.error; the caller gets the server's 401 as is.
          return response;
        }
      }
      const fresh = current?.tokens.accessToken;
      if (!fresh || fresh === token) return response;
      replay.headers.set('Authorization', `Bearer ${fresh}`);
      return send(replay);
    },

    destroy() {
      destroyed = true;
      clearTimer();
      for (const cleanup of cleanups.splice(0)) cleanup();
      store.clear();
    },
  };

  async function revoke(meta: ServerMetadata, token: string): Promise<void> {
    const endpoint = meta.revocation_endpoint as string;
    let response: Response;
    try {
      response = await oauth.revocationRequest(asServer(meta), client, oauth.None(), token, {
        ...httpOptions(endpoint, ctx),
        additionalParameters: { token_type_hint: 'refresh_token' },
      });
    } catch (cause) {
      throw requestError(cause, 'could not reach the revocation endpoint');
    }
    try {
      await oauth.processRevocationResponse(response);
    } catch (cause) {
      if (cause instanceof oauth.ResponseBodyError) {
        throw new AuthError('token_error', `the revocation endpoint refused: ${cause.error}`, { error: cause.error, status: cause.status, cause });
      }
      throw new AuthError(response.status >= 500 ? 'network_error' : 'invalid_token_response', `the revocation endpoint answered HTTP ${response.status}`, {
        status: response.status,
        cause,
      });
    }
  }

  return authClient;
}

/** Maps a callback validation failure from oauth4webapi to an AuthError. */
function callbackError(cause: unknown, issuer: string): AuthError {
  if (cause instanceof oauth.AuthorizationResponseError) {
    const description = cause.error_description ? `: ${cause.error_description}` : '';
    return new AuthError('authorization_error', `the authorization server returned an error (${cause.error}${description})`, {
      error: cause.error,
      errorDescription: cause.error_description,
      cause,
    });
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  if (message.includes('"iss"')) {
    return new AuthError('issuer_mismatch', `the callback's \`iss\` is missing or is not the configured issuer ${issuer} (RFC 9207); start the login again`, { cause });
  }
  if (message.includes('"state"')) {
    return new AuthError('state_mismatch', `the callback's state is invalid (${message}); start the login again`, { cause });
  }
  return new AuthError('authorization_error', `the callback URL is not a valid authorization response: ${message}`, { cause });
}

function shallowEqual(a: object, b: object): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

interface ResolvedConfig {
  clientId: string;
  redirectUri: string;
  issuer: string | undefined;
  endpoints: ServerMetadata | undefined;
  scope: string;
  openid: boolean;
  authorizeParams: Record<string, string>;
  postLogoutRedirectUri: string | undefined;
  leewayMs: number;
  autoRefresh: boolean;
  navigate: (url: string) => void;
}

function validateOptions(options: AuthClientOptions): ResolvedConfig {
  const fail = (message: string): never => {
    throw new AuthError('invalid_config', message);
  };
  if (typeof options !== 'object' || options === null) fail('createAuthClient() needs an options object');
  if (typeof options.clientId !== 'string' || options.clientId === '') fail('`clientId` must be a non-empty string');
  let redirect: URL | undefined;
  try {
    redirect = new URL(options.redirectUri);
  } catch {
    fail(`\`redirectUri\` must be an absolute URL such as "http://localhost:5173/callback", got ${JSON.stringify(options.redirectUri)}`);
  }
  if (redirect && redirect.protocol !== 'https:' && redirect.protocol !== 'http:') fail('`redirectUri` must be an http(s) URL');
  const issuer = options.issuer === undefined ? undefined : parseSecureUrl(options.issuer, '`issuer`') && options.issuer;
  const scope = (options.scope ?? 'openid').trim().split(/\s+/).filter(Boolean).join(' ');
  if (scope.includes(',')) fail('`scope` is space separated (OAuth 2.0 §3.3), not comma separated');
  const openid = scope.split(' ').includes('openid');
  let endpoints: ServerMetadata | undefined;
  if (options.endpoints) {
    const e = options.endpoints;
    parseSecureUrl(e.authorization, '`endpoints.authorization`');
    parseSecureUrl(e.token, '`endpoints.token`');
    endpoints = {
      issuer: issuer ?? new URL(e.token).origin,
      authorization_endpoint: e.authorization,
      token_endpoint: e.token,
    };
    if (e.revocation) endpoints.revocation_endpoint = parseSecureUrl(e.revocation, '`endpoints.revocation`').href;
    if (e.endSession) endpoints.end_session_endpoint = parseSecureUrl(e.endSession, '`endpoints.endSession`').href;
    if (e.userinfo) endpoints.userinfo_endpoint = parseSecureUrl(e.userinfo, '`endpoints.userinfo`').href;
  } else if (!issuer) {
    fail('pass `issuer` (for discovery) or `endpoints` ({ authorization, token })');
  }
  if (openid && !issuer) fail('`issuer` is required with the `openid` scope: ID tokens are validated against it');
  const leeway = options.refreshLeewaySeconds ?? 60;
  if (typeof leeway !== 'number' || !Number.isFinite(leeway) || leeway < 0) fail('`refreshLeewaySeconds` must be a non-negative number');
  if (options.postLogoutRedirectUri !== undefined) {
    try {
      new URL(options.postLogoutRedirectUri);
    } catch {
      fail('`postLogoutRedirectUri` must be an absolute URL');
    }
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') fail('`fetch` must be a function');
  return {
    clientId: options.clientId,
    redirectUri: options.redirectUri,
    issuer,
    endpoints,
    scope,
    openid,
    authorizeParams: { ...options.authorizeParams },
    postLogoutRedirectUri: options.postLogoutRedirectUri,
    leewayMs: leeway * 1000,
    autoRefresh: options.autoRefresh ?? true,
    navigate:
      options.navigate ??
      ((url: string) => {
        const loc = locationOf();
        if (!loc) throw new AuthError('invalid_config', 'no browser location to navigate: pass the `navigate` option');
        loc.assign(url);
      }),
  };
}
