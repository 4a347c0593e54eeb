'use client';
import { useMemo, useSyncExternalStore } from 'react';
import type { AuthClient, AuthState, LoginOptions, LogoutOptions, PopupLoginOptions, TokenOptions } from '@pkce-auth/core';
import { useAuthClient } from './AuthProvider.js';

/** The client methods {@link useAuth} returns: bound to the client, stable across renders. */
export interface AuthActions {
  /** Starts a login (see `AuthClient.login`); `returnTo` defaults to the current location. */
  login: (options?: LoginOptions) => Promise<void>;
  /**
   * Signs in in a popup, keeping the page and its state (see `AuthClient.loginWithPopup`); call it
   * from a click. Rejects `login_cancelled` when the popup is blocked or closed.
   */
  loginWithPopup: (options?: PopupLoginOptions) => Promise<void>;
  /**
   * Picks up a single sign-on session at the server with one `prompt=none` redirect, at most once
   * per tab session (see `AuthClient.restoreSession`); resolves at once when not needed.
   */
  restoreSession: () => Promise<void>;
  /** Ends the session (see `AuthClient.logout`). */
  logout: (options?: LogoutOptions) => Promise<void>;
  /**
   * A valid access token, refreshed when due; with `resource`/`scope`, that API's token (see
   * `AuthClient.getAccessToken`). Rejects `login_required` without a session.
   */
  getAccessToken: (options?: TokenOptions) => Promise<string>;
  /** The headers that authorize a request to `url` for another HTTP client (see `AuthClient.getAuthHeaders`). */
  getAuthHeaders: AuthClient['getAuthHeaders'];
  /** `fetch` with the matching API's token (Bearer or DPoP); refreshes once and retries on 401. */
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
}

/** What `useAuth()` returns: the state snapshot, two derived flags and the bound actions. */
export type UseAuthResult = AuthState &
  AuthActions & {
    /** `status === 'loading'` (only while a callback is being completed). */
    isLoading: boolean;
    /** `status === 'authenticated'`. */
    isAuthenticated: boolean;
  };

interface Binding extends AuthActions {
  subscribe: (listener: () => void) => () => void;
  getState: () => AuthState;
}

// One binding per client, so the actions keep their identity across components and renders,
// and clients whose methods rely on `this` still work when a method is passed around.
const bindings = new WeakMap<AuthClient, Binding>();

function bind(client: AuthClient): Binding {
  let binding = bindings.get(client);
  if (!binding) {
    binding = {
      subscribe: (listener) => client.subscribe(listener),
      getState: () => client.getState(),
      login: (options) => client.login(options),
      loginWithPopup: (options) => client.loginWithPopup(options),
      restoreSession: () => client.restoreSession(),
      logout: (options) => client.logout(options),
      getAccessToken: (options) => client.getAccessToken(options),
      getAuthHeaders: (request) => client.getAuthHeaders(request),
      fetch: (input, init) => client.fetch(input, init),
    };
    bindings.set(client, binding);
  }
  return binding;
}

const identity = (state: AuthState): AuthState => state;

/** What server rendering and hydration see: the session is not known until the browser reads it. */
const SERVER_STATE: AuthState = Object.freeze({ status: 'loading', user: null, tokens: null, error: null });

/**
 * Reads the session of the nearest {@link AuthProvider}'s client and re-renders when it changes.
 *
 * @returns the state snapshot with `isLoading`, `isAuthenticated` and the bound `login`,
 *   `loginWithPopup`, `restoreSession`, `logout`, `getAccessToken`, `getAuthHeaders` and `fetch`
 *   (their identity never changes for one client).
 * @throws Error when used outside an `<AuthProvider>`.
 * @see https://react.dev/reference/react/useSyncExternalStore
 */
export function useAuth(): UseAuthResult;
/**
 * Reads one value derived from the session; the component re-renders only when that value
 * changes (compared with `Object.is`), so `useAuth(s => s.user)` ignores token refreshes.
 *
 * @param selector receives the `AuthState` snapshot; return a stable value (a field, a
 *   primitive) — a fresh object each call re-renders on every state change.
 * @throws Error when used outside an `<AuthProvider>`.
 * @see https://react.dev/reference/react/useSyncExternalStore
 */
export function useAuth<T>(selector: (state: AuthState) => T): T;
export function useAuth<T>(selector?: (state: AuthState) => T): UseAuthResult | T {
  const binding = bind(useAuthClient());
  const select = (selector ?? identity) as (state: AuthState) => T | AuthState;

  // Memoise the selection per snapshot (as `useSyncExternalStoreWithSelector` does) so the
  // snapshot getter returns the same value for the same state and an inline selector cannot
  // make React see a new value on every read.
  const getSelection = useMemo(() => {
    let hasMemo = false;
    let memoState: AuthState;
    let memoSelection: T | AuthState;
    return () => {
      const state = binding.getState();
      if (hasMemo && Object.is(memoState, state)) return memoSelection;
      const next = select(state);
      if (!hasMemo || !Object.is(memoSelection, next)) memoSelection = next;
      hasMemo = true;
      memoState = state;
      return memoSelection;
    };
  }, [binding, select]);

  // The server knows nothing of the browser's session, so server rendering and hydration both
  // see `loading`: the markup matches, guards wait instead of starting a login, and React
  // re-renders with the real snapshot right after hydrating.
  const getServerSelection = useMemo(() => {
    let memo: { value: T | AuthState } | undefined;
    return () => (memo ??= { value: select(SERVER_STATE) }).value;
  }, [select]);
  const selected = useSyncExternalStore(binding.subscribe, getSelection, getServerSelection);

  const whole = selector === undefined;
  const result = useMemo((): UseAuthResult | undefined => {
    if (!whole) return undefined;
    const state = selected as AuthState;
    return {
      ...state,
      isLoading: state.status === 'loading',
      isAuthenticated: state.status === 'authenticated',
      login: binding.login,
      loginWithPopup: binding.loginWithPopup,
      restoreSession: binding.restoreSession,
      logout: binding.logout,
      getAccessToken: binding.getAccessToken,
      getAuthHeaders: binding.getAuthHeaders,
      fetch: binding.fetch,
    };
  }, [whole, selected, binding]);

  return result ?? (selected as T);
}
