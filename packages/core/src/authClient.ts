import * as oauth from 'oauth4webapi';
import { AuthError } from './errors.js';
import { createPkcePair } from './pkce.js';
import {
  defined,
  discover,
  httpOptions,
  isObject,
  processTokenResponse,
  request,
  requestError,
  revoke,
  type ServerMetadata,
  type TokenSet,
  validateCallback,
} from './protocol.js';
import { parsePending, parseSession, type PendingLogin, type StoredSession } from './session.js';
import { readJson, resolveStorage, safeRemove, writeJson } from './storage.js';
import { createStore } from './store.js';
import type { AuthClient, AuthClientOptions, AuthEndpoints, AuthState, AuthTokens, AuthUser } from './types.js';
import { normalizeReturnTo, parseSecureUrl, tryUrl } from './url.js';

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
const locationOf = (): Location | undefined => (typeof location === 'undefined' ? undefined : location);
/** Equality of JSON data (tokens, claims, sessions), so unchanged parts keep their identity. */
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const publicTokens = ({ refreshToken: _refreshToken, ...tokens }: TokenSet): AuthTokens => tokens;
const loginRequired = (why: string): AuthError => new AuthError('login_required', `${why}; sign in again`);
const stateMismatch = (why: string): AuthError => new AuthError('state_mismatch', `${why}; start the login again`);

/** The `endpoints` option's names and the metadata fields they fill. */
const ENDPOINT_OPTIONS = [
  ['authorization', 'authorization_endpoint'],
  ['token', 'token_endpoint'],
  ['revocation', 'revocation_endpoint'],
  ['endSession', 'end_session_endpoint'],
  ['userinfo', 'userinfo_endpoint'],
] as const;

/**
 * Creates the session client: PKCE logins, the callback, token lifecycle, storage, refresh and
 * cross-tab sync. Create it once at module scope; it is usable outside React.
 *
 * @throws AuthError `invalid_config` when an option is unusable (the message names it).
 * @see https://www.rfc-editor.org/rfc/rfc7636 (PKCE), https://www.rfc-editor.org/rfc/rfc9700 (security BCP)
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  // ---- options (validated into locals, which minify) ------------------------------------------
  function fail(message: string): never {
    throw new AuthError('invalid_config', message);
  }
  if (!options || typeof options !== 'object') fail('createAuthClient() needs an options object');
  const { clientId, redirectUri, issuer, endpoints: given, postLogoutRedirectUri, autoRefresh = true } = options;
  if (typeof clientId !== 'string' || !clientId) fail('`clientId` must be a non-empty string');
  const redirect = tryUrl(redirectUri) as URL;
  if (!/^https?:$/.test(redirect?.protocol)) fail(`\`redirectUri\` must be an absolute http(s) URL, got ${JSON.stringify(redirectUri)}`);
  if (issuer !== undefined) parseSecureUrl(issuer, '`issuer`');
  const scopes = (options.scope ?? 'openid').split(/\s+/).filter(Boolean);
  const scope = scopes.join(' ');
  if (scope.includes(',')) fail('`scope` is space separated, not comma separated');
  const openid = scopes.includes('openid');
  let endpoints: ServerMetadata | undefined;
  if (given) {
    const found: Record<string, string> = {};
    for (const [name, field] of ENDPOINT_OPTIONS) {
      const value = given[name as keyof AuthEndpoints];
      if (value || name === 'authorization' || name === 'token') found[field] = parseSecureUrl(value, `\`endpoints.${name}\``).href;
    }
    endpoints = { ...found, issuer: issuer ?? new URL(found.token_endpoint as string).origin };
  } else if (!issuer) {
    fail('pass `issuer` (for discovery) or `endpoints` ({ authorization, token })');
  }
  if (openid && !issuer) fail('the `openid` scope needs `issuer` (to validate ID tokens)');
  const leeway = options.refreshLeewaySeconds ?? 60;
  if (!(Number.isFinite(leeway) && leeway >= 0)) fail('`refreshLeewaySeconds` must be a non-negative number');
  if (postLogoutRedirectUri !== undefined && !tryUrl(postLogoutRedirectUri)) fail('`postLogoutRedirectUri` must be an absolute URL');
  if (options.fetch !== undefined && typeof options.fetch !== 'function') fail('`fetch` must be a function');
  const authorizeParams = { ...options.authorizeParams };
  const navigate =
    options.navigate ??
    ((url: string): void => {
      const loc = locationOf();
      if (!loc) fail('no location to navigate: pass `navigate`');
      loc.assign(url);
    });

  const [storage, pendingStorage, shared] = resolveStorage(options.storage);
  const prefix = `pkce-auth:${clientId}`;
  const sessionKey = `${prefix}:session`;
  const pendingKey = `${prefix}:pending`;
  const leaseKey = `${prefix}:refresh-lease`;
  const client: oauth.Client = { client_id: clientId };
  const ctx = { fetch: options.fetch };
  const now = (): number => Date.now();
  const origin = (): string => locationOf()?.origin ?? redirect.origin;
  const tabId = Math.random().toString(36).slice(2);

  // ---- session persistence -------------------------------------------------------------------
  const loadSession = (): StoredSession | undefined => {
    const raw = readJson(storage, sessionKey);
    const parsed = raw === undefined ? undefined : parseSession(raw, clientId);
    if (raw !== undefined && !parsed) safeRemove(storage, sessionKey);
    return parsed;
  };
  const dueAt = ({ tokens: { expiresAt }, receivedAt }: StoredSession): number =>
    expiresAt === undefined ? Infinity : expiresAt - Math.min(leeway * 1000, Math.max(0, expiresAt - receivedAt) / 2);
  const isExpired = (s: StoredSession): boolean => now() >= (s.tokens.expiresAt ?? Infinity);
  const isDue = (s: StoredSession): boolean => now() >= dueAt(s);

  let current = loadSession();
  if (current && isExpired(current) && !current.tokens.refreshToken) {
    // An expired session that cannot be refreshed is no session at all.
    safeRemove(storage, sessionKey);
    current = undefined;
  }
  /** Bumped whenever the session is replaced or ended, so late refresh results are dropped. */
  let epoch = 0;
  /** Logouts now on their way to the end-session endpoint, and how many got there. */
  let leaving = 0;
  let endSessions = 0;

  const loc = locationOf();
  const query = new URLSearchParams(loc?.search);
  const store = createStore<AuthState>({
    // On the redirect URI with a response in the query, the callback is about to be completed.
    status:
      loc?.origin === redirect.origin && loc.pathname === redirect.pathname && query.has('state') && (query.has('code') || query.has('error'))
        ? 'loading'
        : current
          ? 'authenticated'
          : 'unauthenticated',
    user: current?.user ?? null,
    tokens: current ? publicTokens(current.tokens) : null,
    error: null,
  });

  /** Shows `session` in the state, keeping object identity for parts that did not change. */
  const showSession = (session: StoredSession | undefined, error: AuthError | null = null): void => {
    const prev = store.getState();
    let tokens: AuthTokens | null = null;
    let user: AuthUser | null = null;
    if (session) {
      const next = publicTokens(session.tokens);
      tokens = same(prev.tokens, next) ? prev.tokens : next;
      user = same(prev.user, session.user) ? prev.user : session.user;
    }
    store.setState({ status: session ? 'authenticated' : 'unauthenticated', tokens, user, error });
  };

  const saveSession = (session: StoredSession): void => {
    writeJson(storage, sessionKey, session);
    current = session;
    broadcast();
  };

  /** Ends the session here and in storage, showing `error` (null: a plain sign-out). */
  const endSession = (error: AuthError | null): void => {
    current = undefined;
    epoch++;
    safeRemove(storage, sessionKey);
    resetRetry();
    clearTimer();
    broadcast();
    showSession(undefined, error);
  };

  // ---- pending logins (sessionStorage or memory, never localStorage) ---------------------------
  /** The unexpired pending logins, keyed by state; corrupt entries are dropped. */
  const readPending = (raw = readJson(pendingStorage, pendingKey)): Record<string, PendingLogin> => {
    const all: Record<string, PendingLogin> = {};
    for (const value of isObject(raw) ? Object.values(raw) : []) {
      const pending = parsePending(value);
      if (pending && now() - pending.createdAt < PENDING_TTL_MS) all[pending.state] = pending;
    }
    return all;
  };
  const writePending = (all: Record<string, PendingLogin>): void => {
    if (Object.keys(all).length) writeJson(pendingStorage, pendingKey, all);
    else safeRemove(pendingStorage, pendingKey);
  };
  /** Removes and returns the pending login for `state` (even an expired one): each is used once. */
  const takePending = (state: string): PendingLogin | undefined => {
    const raw = readJson(pendingStorage, pendingKey);
    const all = readPending(raw);
    delete all[state];
    writePending(all);
    return isObject(raw) && Object.hasOwn(raw, state) ? parsePending(raw[state]) : undefined;
  };

  // ---- metadata -------------------------------------------------------------------------------
  const metadata = async (): Promise<ServerMetadata> => {
    if (endpoints) return endpoints;
    const meta = await discover(issuer as string, ctx);
    if (!meta.authorization_endpoint || !meta.token_endpoint) {
      throw new AuthError('discovery_failed', `${meta.issuer} lacks authorization_endpoint or token_endpoint`);
    }
    if (meta.code_challenge_methods_supported?.includes('S256') === false) {
      throw new AuthError('discovery_failed', `${meta.issuer} lacks PKCE S256; enable it for this client`);
    }
    return meta;
  };

  // ---- refresh: single flight, cross-tab lock, bounded backoff --------------------------------
  let refreshPromise: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let nextAt = 0;
  /** The last attempts' times: only the MAX_ATTEMPTS_PER_MINUTE-th latest matters. */
  let attempts: number[] = [];
  let lastError: AuthError | null = null;
  let destroyed = false;

  function resetRetry(): void {
    failures = nextAt = 0;
    attempts = [];
    lastError = null;
  }
  function clearTimer(): void {
    clearTimeout(timer);
    timer = undefined;
  }
  const canAttempt = (): boolean => now() >= nextAt;
  const noteFailure = (error: AuthError): void => {
    lastError = error;
    // Exponential from 1 s with up to 30 % jitter, capped at a minute...
    nextAt = now() + Math.min(60_000, 1000 * 2 ** failures++) * (1 + Math.random() * 0.3);
    // ...and never more than MAX_ATTEMPTS_PER_MINUTE in any sliding minute.
    if (attempts.length >= MAX_ATTEMPTS_PER_MINUTE) nextAt = Math.max(nextAt, (attempts[0] as number) + 60_000);
  };

  function schedule(): void {
    clearTimer();
    if (destroyed || !autoRefresh || !current?.tokens.refreshToken || current.tokens.expiresAt === undefined) return;
    // setTimeout overflows above 2^31-1 ms; a later re-schedule covers very long lifetimes.
    const delay = Math.min(Math.max(0, Math.max(dueAt(current), nextAt) - now()), 2 ** 31 - 1);
    timer = setTimeout(() => {
      timer = undefined;
      if (current && isDue(current) && canAttempt()) runRefresh(false).catch(noop);
      else schedule();
    }, delay);
  }

  const withRefreshLock = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (!shared) return fn();
    const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
    if (typeof locks?.request === 'function') return locks.request(`${prefix}:refresh`, fn);
    // Fallback for browsers without Web Locks: a lease in localStorage with an expiry, so a
    // holder that died is ignored after LEASE_MS; the wait is bounded the same way.
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    const leaseHolder = (): unknown => (readJson(storage, leaseKey) as { id?: unknown } | undefined)?.id;
    for (let i = 0; i < (2 * LEASE_MS) / 100; i++) {
      const lease = readJson(storage, leaseKey) as { id?: unknown; until?: unknown } | undefined;
      if (!lease || !(typeof lease.until === 'number' && lease.until >= now()) || lease.id === tabId) {
        writeJson(storage, leaseKey, { id: tabId, until: now() + LEASE_MS });
        await sleep(30);
        if (leaseHolder() === tabId) break;
      }
      await sleep(100);
    }
    try {
      return await fn();
    } finally {
      if (leaseHolder() === tabId) safeRemove(storage, leaseKey);
    }
  };

  /** One refresh for every caller in this tab; `force` ignores whether the token is due. */
  function runRefresh(force: boolean): Promise<void> {
    return (refreshPromise ??= withRefreshLock(() => refreshLocked(force)).finally(() => {
      refreshPromise = undefined;
    }));
  }

  async function refreshLocked(force: boolean): Promise<void> {
    const seen = current;
    const startEpoch = epoch;
    // Inside the lock the stored session is the truth: another tab may have refreshed already.
    const session = shared ? loadSession() : current;
    if (!session) {
      if (seen) endSession(null);
      throw loginRequired('the session ended');
    }
    if (seen && session.tokens.accessToken !== seen.tokens.accessToken) {
      adopt(session);
      if (!isDue(session)) return;
    } else if (!force && !isDue(session)) {
      return;
    }
    const { refreshToken } = session.tokens;
    if (!refreshToken) {
      if (isExpired(session)) endSession(null);
      throw loginRequired('the server issued no refresh token (ask for offline_access)');
    }
    attempts = [...attempts.slice(1 - MAX_ATTEMPTS_PER_MINUTE), now()];
    try {
      const as = session.meta as oauth.AuthorizationServer;
      const response = await request(
        () => oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, httpOptions(session.meta.token_endpoint as string, ctx)),
        'the token endpoint',
      );
      const { tokens, claims } = await processTokenResponse(response, (r) => oauth.processRefreshTokenResponse(as, client, r));
      if (claims && session.user && claims.sub !== session.user.sub) {
        throw new AuthError('invalid_id_token', 'the refreshed ID token has another `sub`; sign in again');
      }
      if (epoch !== startEpoch) return; // logged out meanwhile: drop the result
      const next: StoredSession = {
        ...session,
        receivedAt: now(),
        // What the response omits stays: servers that do not rotate keep the old refresh token
        // valid; idToken and scope carry over. Only expiresAt is the new response's alone.
        tokens: defined<TokenSet>({ ...session.tokens, expiresAt: undefined, ...tokens }),
        user: claims ? ({ ...claims } as AuthUser) : session.user,
      };
      saveSession(next);
      resetRetry();
      showSession(next);
      schedule();
    } catch (cause) {
      const error = requestError(cause, 'refresh failed');
      if (epoch !== startEpoch) throw error;
      if (error.code === 'token_error') {
        // Lost a race with another tab that rotated the refresh token first: use its session.
        const latest = shared ? loadSession() : undefined;
        if (latest && latest.tokens.refreshToken !== refreshToken) return adopt(latest);
        endSession(error);
      } else {
        noteFailure(error);
        store.setState({ error });
        schedule();
      }
      throw error;
    }
  }

  /** Takes over a session another tab stored. */
  function adopt(session: StoredSession): void {
    if (current !== session) epoch++;
    current = session;
    resetRetry();
    showSession(session);
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
    } else if (!same(current, stored)) {
      adopt(stored);
    }
  }
  const listen = <E extends Event>(target: EventTarget, type: string, listener: (event: E) => void): void => {
    target.addEventListener(type, listener as EventListener);
    cleanups.push(() => target.removeEventListener(type, listener as EventListener));
  };
  const win = typeof window === 'undefined' ? undefined : window;
  const doc = typeof document === 'undefined' ? undefined : document;
  if (shared && typeof BroadcastChannel === 'function') {
    const c = (channel = new BroadcastChannel(prefix));
    c.onmessage = ({ data }: MessageEvent<{ type?: unknown; from?: unknown } | null>) => {
      if (data?.type === 'session-changed' && data.from !== tabId) syncFromStorage();
    };
    cleanups.push(() => c.close());
  }
  const refreshIfDue = (): void => {
    if (current?.tokens.refreshToken && isDue(current) && canAttempt()) runRefresh(false).catch(noop);
  };
  if (win) {
    // The storage event is the fallback: with a channel every change would be synced twice.
    if (shared && !channel) {
      listen<StorageEvent>(win, 'storage', ({ key }) => {
        if (key === sessionKey || key === null) syncFromStorage();
      });
    }
    listen(win, 'online', () => {
      // Back online: one immediate attempt whatever the backoff says.
      nextAt = 0;
      refreshIfDue();
    });
    if (doc) {
      listen(doc, 'visibilitychange', () => {
        if (doc.visibilityState !== 'visible') return;
        if (shared) syncFromStorage();
        refreshIfDue();
      });
    }
  }

  if (current && store.getState().status === 'authenticated') schedule();

  // ---- the callback -----------------------------------------------------------------------------
  const callbacks = new Map<string, Promise<{ returnTo: string }>>();
  let callbackInFlight: Promise<unknown> | undefined;

  async function completeCallback(url: URL): Promise<{ returnTo: string }> {
    const params = url.searchParams;
    const states = params.getAll('state');
    if (states.length > 1) throw stateMismatch('the callback URL carries `state` more than once');
    const state = states[0];
    const pending = state ? takePending(state) : undefined;
    if (!pending) {
      if (current) {
        // A reload or the back button on the callback page: the session is already there.
        showSession(current);
        return { returnTo: '/' };
      }
      throw stateMismatch(state ? 'this sign-in matches no login started in this tab (used, expired or from elsewhere)' : 'the callback URL has no `state`');
    }
    if (now() - pending.createdAt >= PENDING_TTL_MS) throw stateMismatch('this sign-in took longer than 10 minutes and expired');
    const { meta, nonce } = pending;
    const as = meta as oauth.AuthorizationServer;
    const validated = validateCallback(as, client, params, pending.state);
    // Checked again at use: storage is outside input, and a spent code cannot be taken back.
    const returnTo = normalizeReturnTo(pending.returnTo, origin());
    const response = await request(
      () =>
        oauth.authorizationCodeGrantRequest(as, client, oauth.None(), validated, pending.redirectUri, pending.verifier, httpOptions(meta.token_endpoint as string, ctx)),
      'the token endpoint',
    );
    const { tokens, claims } = await processTokenResponse(response, (r) =>
      oauth.processAuthorizationCodeResponse(as, client, r, nonce ? { expectedNonce: nonce, requireIdToken: true } : {}),
    );
    const session: StoredSession = { v: 1, clientId, tokens, receivedAt: now(), user: claims ? ({ ...claims } as AuthUser) : null, meta };
    epoch++;
    resetRetry();
    saveSession(session);
    showSession(session);
    schedule();
    return { returnTo };
  }

  // ---- the public client ------------------------------------------------------------------------
  /** Revokes the refresh token (RFC 7009), then navigates to the end-session endpoint. */
  async function endServerSession(session: StoredSession, returnTo: string | undefined): Promise<void> {
    const { meta, tokens } = session;
    if (tokens.refreshToken && meta.revocation_endpoint) {
      try {
        await revoke(meta, client, oauth.None(), tokens.refreshToken, 'refresh_token', ctx);
      } catch (cause) {
        const error = requestError(cause, 'revocation failed');
        // Signed out here either way; say that the server may still honour the refresh token.
        store.setState({
          error: new AuthError(error.code, `signed out, but the server did not revoke the refresh token: ${error.message}`, {
            error: error.error,
            status: error.status,
            cause: error,
          }),
        });
      }
    }
    if (!meta.end_session_endpoint) return;
    const url = new URL(meta.end_session_endpoint);
    const postLogout = returnTo ? new URL(normalizeReturnTo(returnTo, origin()), origin()).href : postLogoutRedirectUri;
    for (const [key, value] of Object.entries({ id_token_hint: tokens.idToken, client_id: clientId, post_logout_redirect_uri: postLogout })) {
      if (value) url.searchParams.set(key, value);
    }
    navigate(url.href);
    endSessions++;
  }

  const authClient: AuthClient = {
    getState: store.getState,
    subscribe: store.subscribe,

    async login(opts = {}) {
      const loc = locationOf();
      let returnTo = normalizeReturnTo(opts.returnTo ?? (loc ? loc.pathname + loc.search + loc.hash : '/'), origin());
      // Returning to the callback page would replay a spent response.
      if (new URL(returnTo, origin()).pathname === redirect.pathname) returnTo = '/';
      if (store.getState().status === 'error') showSession(current);
      // A logout on its way to the end-session endpoint wins over a login started meanwhile
      // (e.g. a guard reacting to the ended session before the app has navigated away).
      const seenEndSessions = endSessions;
      if (leaving) return;
      const meta = await metadata();
      const { verifier, challenge } = await createPkcePair();
      if (leaving || endSessions !== seenEndSessions) return;
      const state = oauth.generateRandomState();
      const nonce = openid ? oauth.generateRandomNonce() : undefined;
      writePending({ ...readPending(), [state]: { state, verifier, nonce, returnTo, createdAt: now(), redirectUri, meta } as PendingLogin });
      const url = new URL(meta.authorization_endpoint as string);
      const params = {
        ...authorizeParams,
        ...opts.params,
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        scope,
        state,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        ...(nonce ? { nonce } : {}),
      };
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      navigate(url.href);
    },

    handleCallback(url) {
      const href = url ?? locationOf()?.href;
      const parsed = href ? tryUrl(href) : undefined;
      if (!parsed) {
        return Promise.reject(
          href
            ? new AuthError('state_mismatch', `the callback URL is not a URL: ${href}`)
            : new AuthError('invalid_config', 'handleCallback() needs a URL outside a browser'),
        );
      }
      const states = parsed.searchParams.getAll('state');
      // One exchange per state for the life of the page, whatever React does with effects.
      const key = states.length === 1 ? `state:${states[0]}` : `url:${href}`;
      let promise = callbacks.get(key);
      if (!promise) {
        promise = completeCallback(parsed).catch((cause: unknown) => {
          const error = cause instanceof AuthError ? cause : new AuthError('authorization_error', String(cause), { cause });
          store.setState({ status: 'error', error, user: null, tokens: null });
          throw error;
        });
        callbacks.set(key, promise);
        callbackInFlight = promise.catch(noop);
      }
      return promise;
    },

    async getAccessToken() {
      if (callbackInFlight) await callbackInFlight;
      const session = current;
      if (!session) throw loginRequired('there is no session');
      const valid = !isExpired(session);
      if (!isDue(session)) return session.tokens.accessToken;
      if (!session.tokens.refreshToken) {
        if (valid) return session.tokens.accessToken;
        endSession(null);
        throw loginRequired('the access token expired and cannot be refreshed');
      }
      if (!refreshPromise && !canAttempt()) {
        // Backing off after failures: no request until the next attempt is due.
        if (valid) return session.tokens.accessToken;
        throw lastError ?? new AuthError('network_error', 'the server is unreachable; retrying later');
      }
      try {
        await runRefresh(false);
      } catch (error) {
        if (current && !isExpired(current)) return current.tokens.accessToken;
        throw error;
      }
      if (!current) throw loginRequired('the session ended');
      return current.tokens.accessToken;
    },

    async refresh() {
      if (!current) throw loginRequired('there is no session');
      // An explicit refresh is allowed one immediate attempt whatever the backoff says.
      nextAt = 0;
      await runRefresh(true);
    },

    async logout(opts = {}) {
      const session = current ?? loadSession();
      const goesToEndSession = !opts.localOnly && !!session?.meta.end_session_endpoint;
      if (goesToEndSession) leaving++;
      try {
        endSession(null);
        if (opts.localOnly || !session) return;
        await endServerSession(session, opts.returnTo);
      } finally {
        if (goesToEndSession) leaving--;
      }
    },

    async fetch(input, init) {
      const token = await authClient.getAccessToken();
      const base = locationOf()?.href;
      const first = new Request(typeof input === 'string' && base ? new URL(input, base).href : input, init);
      // Kept unread so the request can be replayed once after a 401.
      const replay = first.clone();
      const send = (r: Request, bearer: string): Promise<Response> => {
        r.headers.set('Authorization', `Bearer ${bearer}`);
        return (options.fetch ?? globalThis.fetch)(r);
      };
      const response = await send(first, token);
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
      return !fresh || fresh === token ? response : send(replay, fresh);
    },

    destroy() {
      destroyed = true;
      clearTimer();
      for (const cleanup of cleanups.splice(0)) cleanup();
      store.clear();
    },
  };
  return authClient;
}
