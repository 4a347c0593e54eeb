import { isAuthError } from '@pkce-auth/react';

/** `code (error): message` for an AuthError, `name: message` for anything else. */
export function describeError(error: unknown): { code: string; message: string } {
  if (isAuthError(error)) {
    const code = error.error ? `${error.code} (${error.error})` : error.code;
    const message = error.errorDescription && !error.message.includes(error.errorDescription)
      ? `${error.message} ${error.errorDescription}`
      : error.message;
    return { code, message };
  }
  if (error instanceof Error) return { code: error.name, message: error.message };
  return { code: 'Error', message: String(error) };
}

const SIGN_IN_AGAIN = 'Your sign-in has ended. Please sign in again.';
const UNREACHABLE = 'The sign-in service could not be reached. Check your connection and try again.';

/** What a person is told, by the server's OAuth `error` first (inside `authorization_error`), then by code. */
const PLAIN_WORDS: Record<string, string> = {
  access_denied: 'You cancelled sign-in.',
  login_cancelled: 'You closed the sign-in window (or the browser blocked it) before signing in.',
  login_required: SIGN_IN_AGAIN,
  interaction_required: SIGN_IN_AGAIN,
  consent_required: SIGN_IN_AGAIN,
  network_error: UNREACHABLE,
  discovery_failed: UNREACHABLE,
  state_mismatch: 'This sign-in link has expired or was already used.',
};

/** A sentence a person understands for a failed sign-in; the code stays in {@link describeError}. */
export function plainWords(error: unknown): string {
  if (!isAuthError(error)) return 'Something went wrong while signing you in.';
  return PLAIN_WORDS[error.error ?? ''] ?? PLAIN_WORDS[error.code] ?? 'Sign-in did not complete.';
}

/** `m:ss` (or `h:mm:ss`) for a number of whole seconds. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The name to greet someone by: the `name` claim, else the subject identifier `sub`. */
export function displayName(user: Record<string, unknown> & { sub: string }): string {
  if (typeof user.name === 'string' && user.name !== '') return user.name;
  return user.sub;
}
