import type { AuthError } from '../errors.js';
import { sameJson } from '../objects.js';
import type { TokenSet } from '../protocol/tokenResponse.js';
import { createStore, type Store } from '../store.js';
import type { AuthState, AuthTokens, AuthUser } from '../types.js';
import { pageLocation } from '../url.js';
import type { ClientConfig } from './options.js';
import type { StoredSession } from './storedSession.js';

/** The observable `AuthState`, written only through these few transitions. */
export interface AuthStateStore {
  getState: Store<AuthState>['getState'];
  subscribe: Store<AuthState>['subscribe'];
  /** Shows `session` (or none), keeping object identity for the parts that did not change. */
  show(session: StoredSession | undefined, error?: AuthError | null): void;
  /** Keeps status and session, shows `error` (a background failure). */
  setError(error: AuthError | null): void;
  /** The `error` status: a failed callback, until the next login or session. */
  fail(error: AuthError): void;
  clear(): void;
}

const publicTokens = ({ refreshToken: _refreshToken, ...tokens }: TokenSet): AuthTokens => tokens;

/**
 * Whether this page is the redirect URI with an authorization response in its query: then the
 * first state is `loading` (the callback is about to complete); other pages' `?code=` are not.
 */
function onCallbackPage(config: ClientConfig): boolean {
  const page = pageLocation();
  if (!page) return false;
  const query = new URLSearchParams(page.search);
  return (
    page.origin === config.redirect.origin &&
    page.pathname === config.redirect.pathname &&
    query.has('state') &&
    (query.has('code') || query.has('error'))
  );
}

export function createAuthState(config: ClientConfig, session: StoredSession | undefined): AuthStateStore {
  const store = createStore<AuthState>({
    status: onCallbackPage(config) ? 'loading' : session ? 'authenticated' : 'unauthenticated',
    user: session?.user ?? null,
    tokens: session ? publicTokens(session.tokens) : null,
    error: null,
  });
  return {
    getState: store.getState,
    subscribe: store.subscribe,
    show(next, error = null) {
      const prev = store.getState();
      let tokens: AuthTokens | null = null;
      let user: AuthUser | null = null;
      if (next) {
        const nextTokens = publicTokens(next.tokens);
        tokens = sameJson(prev.tokens, nextTokens) ? prev.tokens : nextTokens;
        user = sameJson(prev.user, next.user) ? prev.user : next.user;
      }
      store.setState({ status: next ? 'authenticated' : 'unauthenticated', tokens, user, error });
    },
    setError: (error) => store.setState({ error }),
    fail: (error) => store.setState({ status: 'error', error, user: null, tokens: null }),
    clear: store.clear,
  };
}
