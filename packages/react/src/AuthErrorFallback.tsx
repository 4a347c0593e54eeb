'use client';
import type { ReactNode } from 'react';
import type { AuthError } from '@pkce-auth/core';

/**
 * What `<Callback>` and `<RequireAuth>` render for a failure: a node, or a function of the
 * {@link AuthError} (switch on its `code`). Default: what happened in words a person understands,
 * the error's code for developers, and a "Try again" button that starts a new login.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1 (authorization error responses)
 */
export type AuthErrorFallback = ReactNode | ((error: AuthError) => ReactNode);

const AGAIN = 'Your sign-in has ended: please sign in again.';
const UNREACHABLE = 'The sign-in service could not be reached. Check your connection and try again.';

// By the server's OAuth `error` first (e.g. `access_denied` inside `authorization_error`), then by code.
const WORDS: Partial<Record<string, string>> = {
  access_denied: 'You cancelled sign-in.',
  login_cancelled: 'Sign-in was cancelled: the sign-in window was closed or blocked.',
  login_required: AGAIN,
  interaction_required: AGAIN,
  consent_required: AGAIN,
  network_error: UNREACHABLE,
  discovery_failed: UNREACHABLE,
  state_mismatch: 'This sign-in link has expired or was already used.',
};

/** What went wrong, for a person; the message (for developers) only when no words fit. @internal */
export function authErrorText(error: AuthError): string {
  // Own keys only: `error` comes from the server (`?error=constructor` must not find Object's).
  const words = (key: string | undefined) => (key !== undefined && Object.hasOwn(WORDS, key) ? WORDS[key] : undefined);
  return words(error.error) ?? words(error.code) ?? `Sign-in did not complete. ${error.message}`;
}

/** Renders `fallback` for `error`, or the default message with a retry button. @internal */
export function renderAuthErrorFallback(
  fallback: AuthErrorFallback | undefined,
  error: AuthError,
  retry: () => void,
): ReactNode {
  if (typeof fallback === 'function') return fallback(error);
  if (fallback !== undefined) return fallback;
  return (
    <div role="alert" data-auth-error={error.code}>
      <p>{authErrorText(error)}</p>
      <p>
        <small>
          <code title={error.message}>{error.error ? `${error.code} (${error.error})` : error.code}</code>
        </small>
      </p>
      <button type="button" onClick={retry}>
        Try again
      </button>
    </div>
  );
}
