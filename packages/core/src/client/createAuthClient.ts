import { createMemoryStorage, webStorage } from '../storage.js';
import type { AuthClient, AuthClientOptions } from '../types.js';
import { createTokenAccess } from './accessToken.js';
import { bearer, createApiAccess } from './apiFetch.js';
import { createAuthState } from './authState.js';
import { createCallbackHandler } from './callback.js';
import { dpopExtension } from './extensions.js';
import { createLogin, createLoginRequest } from './login.js';
import { createLogout } from './logout.js';
import { resolveOptions, type ClientConfig } from './options.js';
import { createPendingLogins } from './pendingLogins.js';
import { createPopupLogin } from './popup.js';
import { createRefresher, type Refresher } from './refresher.js';
import { createRefreshLimiter, type RefreshLimiter } from './refreshLimiter.js';
import { createMetadataSource } from './serverMetadata.js';
import { createSession, initialSession, type Session } from './session.js';
import { createSpentRefreshTokens } from './spentRefreshTokens.js';
import { createSessionPersistence } from './storedSession.js';
import { createTabLock } from './tabLock.js';
import { createTabSync } from './tabSync.js';
import { createTokenTiming } from './tokenTiming.js';

/** Keeps the limiter and the timer in step with the session, and the other tabs informed. */
function wire(config: ClientConfig, session: Session, refresher: Refresher, limiter: RefreshLimiter) {
  const tabs = createTabSync(
    { name: config.prefix, sessionKey: `${config.prefix}:session`, shared: config.storage.shared },
    {
      remoteChange: () => session.sync(),
      online() {
        // Back online: one immediate attempt whatever the backoff says.
        limiter.skipBackoff();
        refresher.refreshIfDue();
      },
      visible() {
        if (config.storage.shared) session.sync();
        refresher.refreshIfDue();
      },
    },
  );
  const unsubscribe = session.onChange((change) => {
    if (change === 'established' || change === 'ended') limiter.reset();
    if (change === 'adopted') limiter.succeeded();
    if (change !== 'adopted') tabs.broadcast();
    refresher.schedule();
  });
  return () => {
    unsubscribe();
    tabs.destroy();
  };
}

/**
 * Creates the session client: PKCE logins, the callback, token lifecycle, storage, refresh and
 * cross-tab sync. Create it once at module scope; it is usable outside React.
 *
 * @throws AuthError `invalid_config` when an option is unusable (the message names it).
 * @see https://www.rfc-editor.org/rfc/rfc7636 (PKCE), https://www.rfc-editor.org/rfc/rfc9700 (security BCP)
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const config = resolveOptions(options);
  const { prefix, storage } = config;
  const timing = createTokenTiming(config.leewayMs);
  const persistence = createSessionPersistence(storage.session, `${prefix}:session`, config);
  const initial = initialSession(persistence, timing);
  const state = createAuthState(config, initial);
  const session = createSession(persistence, state, initial);
  // The refresh log and the lease live in the shared storage when tabs share the session.
  const shared = storage.shared ? storage.session : undefined;
  const dpop = config.dpop ? dpopExtension()(config) : undefined;
  const dpopKeys = dpop?.track(session, state.setError);
  const parts = {
    dpop,
    dpopKeys,
    config,
    timing,
    state,
    session,
    metadata: createMetadataSource(config),
    pending: createPendingLogins(storage.pending, `${prefix}:pending`),
    limiter: createRefreshLimiter(shared ?? createMemoryStorage(), `${prefix}:refresh-log`),
    withLock: createTabLock(`${prefix}:refresh`, shared),
    spent: createSpentRefreshTokens(webStorage('localStorage') ?? createMemoryStorage(), `${prefix}:spent-refresh`),
  };
  const refresher = createRefresher(parts);
  const callback = createCallbackHandler(parts);
  const tokens = createTokenAccess({ ...parts, refresher, callbackInFlight: callback.inFlight });
  const logout = createLogout({ ...parts, refresher });
  const prepare = createLoginRequest({ ...parts, logout });
  const login = createLogin({ ...parts, logout }, prepare);
  const unwire = wire(config, session, refresher, parts.limiter);
  if (initial && state.getState().status === 'authenticated') refresher.schedule();

  return {
    getState: state.getState,
    subscribe: state.subscribe,
    login,
    loginWithPopup: createPopupLogin({ config, pending: parts.pending, prepare, exchange: callback.exchange }),
    // Loaded on first use: an app that never restores carries none of it.
    restoreSession: () => import('./restore.js').then((m) => m.restoreSession({ config, session, login, storage: webStorage('sessionStorage') })),
    handleCallback: callback.handle,
    getAccessToken: tokens.getAccessToken,
    refresh: () => tokens.refresh(),
    logout: logout.logout,
    ...createApiAccess({ ...parts, tokens, presenter: dpop ? dpop.presenter(session) : bearer(config) }),
    destroy() {
      refresher.stop();
      dpopKeys?.stop();
      unwire();
      state.clear();
    },
  };
}
