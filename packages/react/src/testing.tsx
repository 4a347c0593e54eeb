'use client';
import { useState, type ReactNode } from 'react';
import {
  AuthError,
  type AuthClient,
  type AuthState,
  type AuthTokens,
  type AuthUser,
  type LoginOptions,
  type LogoutOptions,
  type PopupLoginOptions,
  type TokenOptions,
} from '@pkce-auth/core';
import { AuthProvider } from './AuthProvider.js';

/** Options of {@link createMockAuthClient}: any part of the first state, plus shortcuts. */
export type MockAuthClientInit = Partial<AuthState> & {
  /** Signed-in person; when set (and `status` is not), the client starts `authenticated`. */
  user?: AuthUser | null;
  /** Shortcut for `tokens: { accessToken, tokenType: 'Bearer', expiresAt: now + 1 h }`. */
  accessToken?: string;
  /** Whether `login()`, `loginWithPopup()` and `handleCallback()` sign in at once. Default `true`. */
  signInOnLogin?: boolean;
  /**
   * What `restoreSession()` finds at the server: `true` signs in, `false` (default) stays
   * `unauthenticated`, as a `prompt=none` answer of `login_required` would.
   */
  serverSession?: boolean;
  /** Receives the requests of `client.fetch` with the Bearer header set. Default `globalThis.fetch`. */
  fetch?: (request: Request) => Promise<Response>;
};

/** Every call made to a {@link MockAuthClient}, one entry per call, holding its first argument. */
export interface MockAuthCalls {
  login: Array<LoginOptions | undefined>;
  loginWithPopup: Array<PopupLoginOptions | undefined>;
  restoreSession: Array<undefined>;
  logout: Array<LogoutOptions | undefined>;
  handleCallback: Array<string | undefined>;
  getAccessToken: Array<TokenOptions | undefined>;
  getAuthHeaders: Array<{ url: string | URL; method?: string }>;
  refresh: Array<undefined>;
  fetch: Array<Request>;
}

/** An in-memory {@link AuthClient} for component tests, with call records and state helpers. */
export interface MockAuthClient extends AuthClient {
  /** Calls made so far; assert e.g. `client.calls.login.length`. */
  readonly calls: MockAuthCalls;
  /** Merges `partial` into the state and notifies subscribers (new snapshot identity). */
  setState(partial: Partial<AuthState>): void;
  /** `authenticated` as `user` (default {@link defaultMockUser}) with a fresh mock token. */
  signIn(user?: AuthUser): void;
  /** `unauthenticated`, no user, no tokens, no error. */
  signOut(): void;
}

/** The user `login()` and `signIn()` use when none is given. */
export const defaultMockUser: AuthUser = Object.freeze({
  sub: 'mock-user',
  name: 'Mock User',
  email: 'mock.user@example.com',
});

function mockTokens(accessToken = 'mock-access-token'): AuthTokens {
  return { accessToken, tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000 };
}

/** The mock's observable state and its transitions, shared by the mock client's methods. */
function createMockState({ user, accessToken, ...stateInit }: Omit<MockAuthClientInit, 'signInOnLogin' | 'serverSession' | 'fetch'>) {
  const signedIn = user != null || accessToken !== undefined;
  let state: AuthState = Object.freeze({
    status: signedIn ? 'authenticated' : 'unauthenticated',
    user: user ?? (accessToken !== undefined ? defaultMockUser : null),
    tokens: signedIn ? mockTokens(accessToken) : null,
    error: null,
    ...stateInit,
  });
  const listeners = new Set<() => void>();
  const setState = (partial: Partial<AuthState>): void => {
    state = Object.freeze({ ...state, ...partial });
    for (const listener of [...listeners]) listener();
  };
  return {
    getState: () => state,
    setState,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    signIn: (nextUser: AuthUser = defaultMockUser): void =>
      setState({ status: 'authenticated', user: nextUser, tokens: mockTokens(), error: null }),
    signOut: (): void => setState({ status: 'unauthenticated', user: null, tokens: null, error: null }),
    getAccessToken: (): Promise<string> =>
      state.tokens
        ? Promise.resolve(state.tokens.accessToken)
        : Promise.reject(new AuthError('login_required', 'Not signed in (mock client): call login().')),
    clear: () => listeners.clear(),
  };
}

/** A fresh call record: one empty list per method. */
function noCalls(): MockAuthCalls {
  return {
    login: [],
    loginWithPopup: [],
    restoreSession: [],
    logout: [],
    handleCallback: [],
    getAccessToken: [],
    getAuthHeaders: [],
    refresh: [],
    fetch: [],
  };
}

/**
 * Makes an in-memory auth client for your own component tests: no network, no storage, no
 * redirects; `login` signs in, `logout` signs out, every call is recorded in `calls`.
 *
 * Default state: `unauthenticated`, or `authenticated` when `user` or `accessToken` is given.
 *
 * @see {@link MockAuthProvider}
 */
export function createMockAuthClient(init: MockAuthClientInit = {}): MockAuthClient {
  const { signInOnLogin = true, serverSession = false, fetch: send, ...stateInit } = init;
  const { getState, setState, subscribe, signIn, signOut, getAccessToken, clear } = createMockState(stateInit);
  const calls = noCalls();

  return {
    calls,
    setState,
    signIn,
    signOut,
    getState,
    subscribe,
    async login(options) {
      calls.login.push(options);
      if (signInOnLogin) signIn();
    },
    async loginWithPopup(options) {
      calls.loginWithPopup.push(options);
      if (!signInOnLogin) throw new AuthError('login_cancelled', 'The sign-in window was closed (mock client: signInOnLogin is false).');
      signIn();
    },
    async restoreSession() {
      calls.restoreSession.push(undefined);
      if (serverSession && getState().status !== 'authenticated') signIn();
    },
    async handleCallback(url) {
      calls.handleCallback.push(url);
      if (signInOnLogin) signIn();
      return { returnTo: '/' };
    },
    getAccessToken(options) {
      calls.getAccessToken.push(options);
      return getAccessToken();
    },
    async getAuthHeaders(request) {
      calls.getAuthHeaders.push(request);
      return { Authorization: `Bearer ${await getAccessToken()}` };
    },
    async refresh() {
      calls.refresh.push(undefined);
      const { tokens } = getState();
      if (tokens) setState({ tokens: mockTokens(`${tokens.accessToken}+`) });
    },
    async logout(options) {
      calls.logout.push(options);
      signOut();
    },
    async fetch(input, init) {
      // Resolve app-relative URLs (`/api/notes`) as a browser would; Node's Request needs a base.
      const base = globalThis.location?.href;
      const request = new Request(typeof input === 'string' && base ? new URL(input, base) : input, init);
      calls.fetch.push(request);
      request.headers.set('Authorization', `Bearer ${await getAccessToken()}`);
      return (send ?? ((r: Request) => globalThis.fetch(r)))(request);
    },
    destroy: clear,
  };
}

/** Props of {@link MockAuthProvider}. */
export interface MockAuthProviderProps {
  /** The mock to provide. Default: `createMockAuthClient(initialState)`, made once per mount. */
  client?: AuthClient;
  /** First state of the client made when `client` is not given. */
  initialState?: MockAuthClientInit;
  children?: ReactNode;
}

/**
 * An {@link AuthProvider} around a mock client, for rendering components that use `useAuth`,
 * `<RequireAuth>` or `<Callback>` in tests and stories.
 *
 * @see {@link createMockAuthClient}
 */
export function MockAuthProvider({ client, initialState, children }: MockAuthProviderProps): ReactNode {
  const [ownClient] = useState(() => client ?? createMockAuthClient(initialState));
  return <AuthProvider client={client ?? ownClient}>{children}</AuthProvider>;
}
