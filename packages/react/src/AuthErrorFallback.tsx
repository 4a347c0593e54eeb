'use client';
import type { ReactNode } from 'react';
import type { AuthError } from '@pkce-auth/core';

/**
 * What `<Callback>` and `<RequireAuth>` render for a failure: a node, or a function of the
 * {@link AuthError} (switch on its `code`). Default: the error's message and code with a
 * "Try again" button that starts a new login.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1 (authorization error responses)
 */
export type AuthErrorFallback = ReactNode | ((error: AuthError) => ReactNode);

/** Renders `fallback` for `error`, or the default message with a retry button. @internal */
export function renderAuthErrorFallback(
  fallback: AuthErrorFallback | undefined,
  error: AuthError,
  retry: () => void,
): ReactNode {
  if (typeof fallback === 'function') return fallback(error);
  if (fallback !== undefined) return fallback;
  return (
    <div role="alert">
      <p>
        Sign-in failed: {error.message} (<code>{error.code}</code>)
      </p>
      <button type="button" onClick={retry}>
        Try again
      </button>
    </div>
  );
}
