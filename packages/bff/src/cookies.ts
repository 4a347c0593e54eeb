import { HttpError } from './responses.js';

/** The longest `Cookie` header parsed; a longer one is refused (400) rather than read. */
export const MAX_COOKIE_HEADER = 8192;

/** The BFF's two cookies' names and attributes for one `baseUrl`. */
export interface CookieNames {
  session: string;
  login: string;
  secure: boolean;
}

/**
 * The cookie names for an app at `baseUrl`: on https, `Secure` and the `__Host-` prefix (the
 * browser then refuses them from another host or path: no cookie tossing from a subdomain).
 */
export function cookieNames(baseUrl: URL): CookieNames {
  const secure = baseUrl.protocol === 'https:';
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}bff-session`, login: `${prefix}bff-login`, secure };
}

/**
 * The values of the cookies named in `names`, from a request's `Cookie` header.
 *
 * @throws HttpError 400 when the header is over {@link MAX_COOKIE_HEADER} bytes or carries one
 * of these cookies twice (which one the browser meant cannot be known).
 */
export function readCookies(header: string | null, names: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  if (!header) return found;
  if (header.length > MAX_COOKIE_HEADER) {
    throw new HttpError(400, 'invalid_request', `the Cookie header is over ${MAX_COOKIE_HEADER} bytes; clear this site's cookies`);
  }
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!names.includes(name)) continue;
    if (found.has(name)) throw new HttpError(400, 'invalid_request', `the cookie ${name} is sent twice; clear this site's cookies`);
    found.set(name, part.slice(eq + 1).trim());
  }
  return found;
}

/** Attributes of a cookie the BFF sets. */
export interface CookieAttributes {
  maxAgeSeconds: number;
  sameSite: 'Strict' | 'Lax';
  secure: boolean;
}

/** A `Set-Cookie` value: `HttpOnly`, `Path=/`, the given `SameSite`, `Max-Age` and `Secure`. */
export function serializeCookie(name: string, value: string, attrs: CookieAttributes): string {
  const maxAge = Math.max(0, Math.floor(attrs.maxAgeSeconds));
  return `${name}=${value}; Path=/; HttpOnly; SameSite=${attrs.sameSite}; Max-Age=${maxAge}${attrs.secure ? '; Secure' : ''}`;
}

/** A `Set-Cookie` value that deletes the cookie `name`. */
export function clearCookie(name: string, attrs: Omit<CookieAttributes, 'maxAgeSeconds'>): string {
  return serializeCookie(name, '', { ...attrs, maxAgeSeconds: 0 });
}
