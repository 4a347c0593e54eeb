import { AuthError, normalizeReturnTo } from '@pkce-auth/core';
import { HttpError } from './responses.js';

/**
 * A `returnTo` as a path on `origin`, by the browser client's own rule (`normalizeReturnTo`):
 * other origins, `//host`, `/\\host`, other schemes are refused; so are control characters.
 *
 * @throws HttpError 400 `invalid_return_to`.
 */
export function sameOriginPath(returnTo: string, origin: string): string {
  try {
    // Browsers drop tabs and newlines; a returnTo carrying them is not a link anyone meant.
    if ([...returnTo].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) throw new AuthError('invalid_return_to', 'control characters');
    return normalizeReturnTo(returnTo, origin);
  } catch (cause) {
    if (!(cause instanceof AuthError)) throw cause;
    throw new HttpError(400, 'invalid_return_to', `returnTo must be a path on ${origin}, got ${JSON.stringify(returnTo)}`);
  }
}
