import { AuthError, type AuthErrorCode } from './errors.js';

/** The page's `location`, or undefined outside a browser (server rendering, tests, workers). */
export const pageLocation = (): Location | undefined => (typeof location === 'undefined' ? undefined : location);

/** `new URL(value, base)`, or undefined where that throws. */
export function tryUrl(value: string, base?: string | URL): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** Whether a URL's host is a loopback name, where plain http is acceptable. */
export function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/**
 * Parses an issuer or endpoint URL and requires https, or http on a loopback host.
 *
 * @throws AuthError `code` (default `invalid_config`) naming `name`.
 */
export function parseSecureUrl(value: unknown, name: string, code: AuthErrorCode = 'invalid_config'): URL {
  const url = typeof value === 'string' ? tryUrl(value) : undefined;
  if (url && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url)))) return url;
  throw new AuthError(code, `${name} must be an absolute https URL (http only on localhost, 127.0.0.1, [::1]), got ${JSON.stringify(value)}`);
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
  // Browsers treat "\" like "/" and strip tabs and newlines, so "/\evil" and "/\t/evil" are
  // protocol-relative URLs in disguise: only parsing and comparing origins is reliable. The scheme
  // check matters where the app's origin is "null" (file:, sandboxed), which `javascript:` shares.
  const url = typeof returnTo === 'string' ? tryUrl(returnTo, returnTo.startsWith('/') ? origin : undefined) : undefined;
  // A path of "//evil" (from "https://app//evil") would read as protocol-relative to a router.
  if (!url || url.origin !== origin || !/^https?:$/.test(url.protocol) || /^\/[/\\]/.test(url.pathname)) {
    throw new AuthError('invalid_return_to', `returnTo must be a path on ${origin}, got ${JSON.stringify(returnTo)}`);
  }
  return url.pathname + url.search + url.hash;
}

/**
 * Whether `url` is `base` or below it: same origin, and a path equal to `base`'s or under it at a
 * `/` boundary (`/notes` covers `/notes` and `/notes/5`, not `/notesx`). Dot segments are already
 * resolved by the URL parser, so `/notes/../admin` is `/admin`.
 */
export function isUnder(url: URL, base: URL): boolean {
  if (url.origin !== base.origin) return false;
  const prefix = base.pathname.replace(/\/+$/, '');
  return url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
}
