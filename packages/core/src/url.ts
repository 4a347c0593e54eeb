import { AuthError } from './errors.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a URL's host is a loopback name, where plain http is acceptable. */
export function isLoopback(url: URL): boolean {
  return LOOPBACK.has(url.hostname);
}

/**
 * Parses an issuer or endpoint URL and requires https, or http on a loopback host.
 *
 * @throws AuthError `invalid_config` naming `name`.
 */
export function parseSecureUrl(value: unknown, name: string, code: 'invalid_config' | 'discovery_failed' = 'invalid_config'): URL {
  if (typeof value !== 'string' || value === '') {
    throw new AuthError(code, `${name} must be an absolute URL string`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new AuthError(code, `${name} must be an absolute URL, got "${value}"`, { cause });
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url)) return url;
  if (url.protocol === 'http:') {
    throw new AuthError(
      code,
      `${name} must use https: plain http is allowed only for localhost, 127.0.0.1 and [::1] (got "${value}")`,
    );
  }
  throw new AuthError(code, `${name} must be an https URL (got "${value}")`);
}

/**
 * Normalises a `returnTo` to a path on the app's own origin.
 *
 * Accepts a path (`/notes?x=1#y`) or an absolute URL of `origin`; refuses everything that could
 * leave it: other origins, `//host`, `/\host`, `javascript:` and other schemes.
 *
 * @throws AuthError `invalid_return_to`.
 */
export function normalizeReturnTo(returnTo: unknown, origin: string): string {
  const refuse = (why: string): AuthError =>
    new AuthError('invalid_return_to', `returnTo must be a path on ${origin} (${why}); got ${JSON.stringify(returnTo)}`);
  if (typeof returnTo !== 'string' || returnTo === '') throw refuse('not a non-empty string');
  // Browsers treat "\" like "/" and strip tabs and newlines, so "/\evil" and "/\t/evil" are
  // protocol-relative URLs in disguise: only parsing and comparing origins is reliable.
  const isPath = returnTo.startsWith('/');
  let url: URL;
  try {
    url = isPath ? new URL(returnTo, origin) : new URL(returnTo);
  } catch {
    throw refuse('not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(`scheme ${url.protocol} is not allowed`);
  if (url.origin !== origin) throw refuse(`origin ${url.origin} is not the app's`);
  return `${url.pathname}${url.search}${url.hash}`;
}
