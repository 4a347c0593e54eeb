import { HttpError } from './responses.js';

/**
 * A `returnTo` as a path on `origin`: a path (`/notes?x=1#y`) or an absolute URL of that origin.
 * Refuses what could leave it: other origins, `//host`, `/\host`, other schemes, control
 * characters. The same rule as the browser client's (`normalizeReturnTo` in the core).
 *
 * @throws HttpError 400 `invalid_return_to`.
 */
export function sameOriginPath(returnTo: string, origin: string): string {
  // Browsers drop tabs and newlines and read "\" as "/", so "/\t/evil" and "/\evil" are
  // protocol-relative URLs in disguise: only parsing and comparing origins is reliable.
  const control = [...returnTo].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  const url = control ? null : URL.parse(returnTo, returnTo.startsWith('/') ? origin : undefined);
  if (!url || url.origin !== origin || !/^https?:$/.test(url.protocol) || /^\/[/\\]/.test(url.pathname)) {
    throw new HttpError(400, 'invalid_return_to', `returnTo must be a path on ${origin}, got ${JSON.stringify(returnTo)}`);
  }
  return url.pathname + url.search + url.hash;
}
