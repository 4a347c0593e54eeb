'use client';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { isAuthError, type AuthError, type LoginOptions } from '@pkce-auth/core';
import { useAuthClient } from './AuthProvider.js';
import { useAuth } from './useAuth.js';
import { renderAuthErrorFallback, type AuthErrorFallback } from './AuthErrorFallback.js';

/** Props of {@link RequireAuth}. */
export interface RequireAuthProps {
  /** Rendered only while the session is `authenticated`. */
  children?: ReactNode;
  /** Rendered while loading and while the login redirect starts. Default `null`. */
  fallback?: ReactNode;
  /**
   * Rendered in the `error` state (e.g. after a failed callback) instead of starting a login, so a
   * broken sign-in never loops. Default: the error's message and code with "Try again".
   */
  errorFallback?: AuthErrorFallback;
  /** Passed to `login()`; `returnTo` defaults to the current path + search + hash. */
  loginOptions?: LoginOptions;
}

function currentLocation(): string {
  const { pathname, search, hash } = window.location;
  return pathname + search + hash;
}

/**
 * Renders its children for a signed-in person; otherwise starts one login that returns to the
 * current location, and renders `fallback` meanwhile.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1 (authorization request)
 */
export function RequireAuth({
  children,
  fallback = null,
  errorFallback,
  loginOptions,
}: RequireAuthProps): ReactNode {
  const client = useAuthClient();
  const status = useAuth((s) => s.status);
  const stateError = useAuth((s) => s.error);
  const [loginError, setLoginError] = useState<AuthError | null>(null);
  const [, setCrash] = useState<never>();
  // A ref survives StrictMode's effect replay, so the replay does not start a second login.
  const started = useRef(false);
  const loginOptionsRef = useRef(loginOptions);
  useEffect(() => {
    loginOptionsRef.current = loginOptions;
  });

  const startLogin = useCallback((): void => {
    started.current = true;
    // Sibling or nested guards share one login: the client's login() is single-flight.
    client.login({ returnTo: currentLocation(), ...loginOptionsRef.current }).catch(
      (error: unknown) => {
        if (isAuthError(error)) setLoginError(error);
        else
          setCrash(() => {
            throw error;
          });
      },
    );
  }, [client]);

  useEffect(() => {
    if (status === 'authenticated') started.current = false;
    if (status !== 'unauthenticated' || started.current) return;
    startLogin();
  }, [startLogin, status]);

  if (status === 'authenticated') return children;
  const error = status === 'error' ? stateError : loginError;
  if (error) return renderAuthErrorFallback(errorFallback, error, startLogin);
  return fallback;
}
