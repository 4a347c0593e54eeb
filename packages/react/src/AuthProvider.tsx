'use client';
import { createContext, useContext, type ReactNode } from 'react';
import type { AuthClient } from '@pkce-auth/core';

const AuthClientContext = createContext<AuthClient | null>(null);
AuthClientContext.displayName = 'AuthClientContext';

/** Props of {@link AuthProvider}. */
export interface AuthProviderProps {
  /** The client made once at module scope with `createAuthClient(…)`; the provider only passes it down. */
  client: AuthClient;
  children?: ReactNode;
}

/**
 * Makes an auth client available to {@link useAuth}, `<Callback>` and `<RequireAuth>` below it.
 *
 * It holds no state of its own: components subscribe to the client's store directly, so the
 * client stays usable outside React (e.g. `auth.fetch` in an `api.ts`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636 (the PKCE flow the client runs)
 */
export function AuthProvider({ client, children }: AuthProviderProps): ReactNode {
  // `.Provider` rather than `<Context value>` keeps React 18.3 supported.
  return <AuthClientContext.Provider value={client}>{children}</AuthClientContext.Provider>;
}

/**
 * The client passed to the nearest {@link AuthProvider}, for calls the hook does not wrap
 * (`refresh`, `handleCallback`, `destroy`).
 *
 * @throws Error when no `<AuthProvider>` is above the calling component.
 * @see {@link useAuth}
 */
export function useAuthClient(): AuthClient {
  const client = useContext(AuthClientContext);
  if (!client) {
    throw new Error('pkce-auth: use this inside <AuthProvider client={…}> (in tests: <MockAuthProvider>)');
  }
  return client;
}
