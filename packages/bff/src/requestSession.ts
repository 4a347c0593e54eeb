import { clearCookie, readCookies, serializeCookie } from './cookies.js';
import type { BffConfig } from './options.js';
import { HttpError } from './responses.js';
import { isSessionId, loadSession, sessionKey, type Session } from './sessions.js';

/** The BFF's cookies on a request: the session id and the pending logins' cookie, as sent. */
export interface RequestCookies {
  session?: string;
  login?: string;
}

/**
 * Reads the BFF's cookies from `request`.
 *
 * @throws HttpError 400 for an oversized `Cookie` header or a duplicated BFF cookie.
 */
export function requestCookies(config: BffConfig, request: Request): RequestCookies {
  const { session: sessionName, login: loginName } = config.cookies;
  const found = readCookies(request.headers.get('cookie'), [sessionName, loginName]);
  const session = found.get(sessionName);
  const login = found.get(loginName);
  return { ...(session ? { session } : {}), ...(login ? { login } : {}) };
}

/** The `Set-Cookie` of a new session's id. */
export function sessionCookie(config: BffConfig, id: string): string {
  return serializeCookie(config.cookies.session, id, { maxAgeSeconds: config.sessionTtlMs / 1000, sameSite: 'Strict', secure: config.cookies.secure });
}

/** The `Set-Cookie` that deletes the session cookie. */
export function clearSessionCookie(config: BffConfig): string {
  return clearCookie(config.cookies.session, { sameSite: 'Strict', secure: config.cookies.secure });
}

/** The store key of the session the request's cookie names, when it has a well-formed one. */
export function requestSessionKey(config: BffConfig, cookies: RequestCookies): string | undefined {
  return cookies.session && isSessionId(cookies.session) ? sessionKey(config, cookies.session) : undefined;
}

/**
 * The request's live session.
 *
 * @throws HttpError 401 `login_required` when there is none (no cookie, a malformed one, an
 * unknown, expired or undecryptable session), clearing a cookie that was sent.
 */
export async function requireSession(config: BffConfig, request: Request): Promise<Session> {
  const { session: id } = requestCookies(config, request);
  const session = id && isSessionId(id) ? await loadSession(config, id) : undefined;
  if (session) return session;
  const why = !id ? 'there is no session cookie' : isSessionId(id) ? 'the session is unknown or has expired' : 'the session cookie is malformed';
  throw new HttpError(401, 'login_required', `not signed in: ${why}; sign in again`, id ? { 'set-cookie': clearSessionCookie(config) } : undefined);
}
