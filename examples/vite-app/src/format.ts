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
