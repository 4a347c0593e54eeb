'use client';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { isAuthError, type AuthError, type CallbackResult } from '@pkce-auth/core';
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
  /** Rendered when the callback fails. Default: what happened in plain words, the code, and "Try again". */
  errorFallback?: AuthErrorFallback;
}

function replaceLocation(returnTo: string): void {
  window.history.replaceState(null, '', returnTo);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** Takes the spent response (`?code=`/`?error=`) out of the address bar, without a reload. */
function dropQuery(): void {
  const { pathname, hash, search } = window.location;
  if (search) window.history.replaceState(window.history.state, '', pathname + hash);
}

/**
 * Where "Try again" returns to: the failed login's own `returnTo` when the error carries it, else
 * the app's root (the callback URL is no place to come back to).
 */
function retryTarget(error: AuthError): string {
  return error.returnTo ?? '/';
}

/**
 * Completes a login on the redirect URI: exchanges the code once (also under StrictMode and
 * across remounts), then hands `returnTo` to `onSuccess`. In the login popup
 * (`loginWithPopup`) it only says "Signed in — you can close this window" (or, for an `?error=`
 * answer, that sign-in did not finish): the opener has the response. After a failure it removes the response's query from the address bar and renders
 * `errorFallback`, whose "Try again" keeps the failed login's `returnTo` when the error has it.
 *
 * Render it on the route of `redirectUri`; it reads the URL from `location.href`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2 (authorization response)
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.5 (code exchange with `code_verifier`)
 */
export function Callback({ onSuccess, fallback = null, errorFallback }: CallbackProps): ReactNode {
  const client = useAuthClient();
  const [failure, setFailure] = useState<AuthError | null>(null);
  // In the login popup: what to say of the sign-in (the server's answer may be an `?error=` one).
  const [popup, setPopup] = useState('');
  const [, setCrash] = useState<never>();
  const onSuccessRef = useRef(onSuccess);
  useEffect(() => {
    onSuccessRef.current = onSuccess;
  });

  useEffect(() => {
    let active = true;
    const href = window.location.href;
    // StrictMode's second effect and a remount call again: the client shares one exchange per
    // `state` for the life of the page (AuthClient.handleCallback), so no code is spent twice.
    client.handleCallback(href).then(
      (result: CallbackResult) => {
        if (!active) return;
        // The login popup: the opener has the response and closes this window; stay put.
        if (result.popup) setPopup(new URL(href).searchParams.has('error') ? 'Sign-in did not finish' : 'Signed in');
        else (onSuccessRef.current ?? replaceLocation)(result.returnTo);
      },
      (error: unknown) => {
        if (!active) return;
        if (isAuthError(error)) {
          dropQuery();
          setFailure(error);
        }
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

  if (popup) return <p role="status">{popup} — you can close this window.</p>;
  if (!failure) return fallback;
  return renderAuthErrorFallback(errorFallback, failure, () => {
    client.login({ returnTo: retryTarget(failure) }).catch((error: unknown) => {
      if (isAuthError(error)) setFailure(error);
    });
  });
}
