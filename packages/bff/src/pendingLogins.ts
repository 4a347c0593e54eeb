import { clearCookie, serializeCookie } from './cookies.js';
import { open, seal } from './crypto.js';
import type { BffConfig } from './options.js';

/** A login on its way through the authorization server, kept in the browser's login cookie. */
export interface PendingLogin {
  state: string;
  verifier: string;
  nonce: string;
  returnTo: string;
  /** Epoch ms. */
  createdAt: number;
}

/** A pending login expires after 10 minutes. */
export const PENDING_TTL_MS = 10 * 60 * 1000;
/** At most this many logins pending at once in one browser (tabs that each started one); the oldest go first. */
export const MAX_PENDING = 3;
/** The longest `returnTo` a login keeps, so three pending logins fit one cookie. */
export const MAX_RETURN_TO = 512;
/** A browser's limit for one cookie, more than the BFF writes (three logins sealed): a longer one is not opened. */
const MAX_COOKIE_VALUE = 4096;
const CONTEXT = 'pending logins';

const isPending = (value: unknown): value is PendingLogin => {
  const p = value as PendingLogin;
  return typeof p?.state === 'string' && typeof p.verifier === 'string' && typeof p.nonce === 'string' && typeof p.returnTo === 'string' && typeof p.createdAt === 'number';
};

/**
 * The unexpired pending logins the login cookie holds; none when it is absent, oversized,
 * tampered with or sealed under another secret.
 */
export function readPendingLogins(config: BffConfig, cookie: string | undefined): PendingLogin[] {
  if (!cookie || cookie.length > MAX_COOKIE_VALUE) return [];
  const plain = open(config.keys.login, cookie, CONTEXT);
  if (plain === undefined) return [];
  try {
    const list: unknown = JSON.parse(plain);
    const now = Date.now();
    return Array.isArray(list) ? list.filter(isPending).filter((p) => p.createdAt <= now && now - p.createdAt < PENDING_TTL_MS) : [];
  } catch {
    return [];
  }
}

/**
 * The `Set-Cookie` that stores `logins` (the newest {@link MAX_PENDING}) sealed, `HttpOnly`,
 * `SameSite=Lax` (so it comes along on the authorization server's redirect back), for 10
 * minutes; or deletes the cookie when none is left.
 */
export function pendingLoginsCookie(config: BffConfig, logins: PendingLogin[]): string {
  const { login: name, secure } = config.cookies;
  if (logins.length === 0) return clearCookie(name, { sameSite: 'Lax', secure });
  const kept = logins.slice(-MAX_PENDING);
  return serializeCookie(name, seal(config.keys.login, JSON.stringify(kept), CONTEXT), { maxAgeSeconds: PENDING_TTL_MS / 1000, sameSite: 'Lax', secure });
}
