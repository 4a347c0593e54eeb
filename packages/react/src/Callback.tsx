'use client';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { isAuthError, type AuthError } from '@pkce-auth/core';
import { useAuthClient } from './AuthProvider.js';
import { renderAuthErrorFallback, type AuthErrorFallback } from './AuthErrorFallback.js';

/** Props of {@link Callback}. */
export interface CallbackProps {
  /**
   * Called once with the pending login's `returnTo` after the session is stored. Default:
   * `history.replaceState(null, '', returnTo)` then a `popstate` event, which React Router,
   * TanStack Router and other history-based routers follow.
   */
  onSuccess?: (returnTo: string) => void;
  /** Rendered while the code is exchanged. Default `null`. */
  fallback?: ReactNode;
  /** Rendered when the callback fails. Default: the error's message and code with "Try again". */
  errorFallback?: AuthErrorFallback;
}

function replaceLocation(returnTo: string): void {
  window.history.replaceState(null, '', returnTo);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/**
 * Completes a login on the redirect URI: exchanges the code once (also under StrictMode and
 * across remounts), then hands `returnTo` to `onSuccess`.
 *
 * Render it on the route of `redirectUri`; it reads the URL from `location.href`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2 (authorization response)
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.5 (code exchange with `code_verifier`)
 */
export function Callback({ onSuccess, fallback = null, errorFallback }: CallbackProps): ReactNode {
  const client = useAuthClient();
  const [failure, setFailure] = useState<AuthError | null>(null);
  const [, setCrash] = useState<never>();
  const onSuccessRef = useRef(onSuccess);
  useEffect(() => {
    onSuccessRef.current = onSuccess;
  });

  useEffect(() => {
    let active = true;
    // StrictMode's second effect and a remount call again: the client shares one exchange per
    // `state` for the life of the page (AuthClient.handleCallback), so no code is spent twice.
    client.handleCallback(window.location.href).then(
      ({ returnTo }) => {
        if (active) (onSuccessRef.current ?? replaceLocation)(returnTo);
      },
      (error: unknown) => {
        if (!active) return;
        if (isAuthError(error)) setFailure(error);
        // Not an AuthError: a bug, not a sign-in failure; let the nearest error boundary show it.
        else
          setCrash(() => {
            throw error;
          });
      },
    );
    return () => {
      active = false;
    };
  }, [client]);

  if (!failure) return fallback;
  return renderAuthErrorFallback(errorFallback, failure, () => {
    // The callback URL is no place to come back to: land on the app's root after the retry.
    client.login({ returnTo: '/' }).catch((error: unknown) => {
      if (isAuthError(error)) setFailure(error);
    });
  });
}
