import { readText } from '../body.js';
import type { LogoutSubject } from '../logoutToken.js';
import type { BffConfig } from '../options.js';
import { HttpError, ok } from '../responses.js';
import { endSession, indexKey, readSession, type SessionData } from '../sessions.js';

/** A logout token is a few hundred bytes; a body over this is refused before it is read. */
export const MAX_LOGOUT_BODY = 16 * 1024;

/** The one `logout_token` of an `application/x-www-form-urlencoded` body. */
async function logoutTokenOf(request: Request): Promise<string> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpError(400, 'invalid_request', 'a back-channel logout request must be application/x-www-form-urlencoded');
  }
  const tokens = new URLSearchParams(await readText(request, MAX_LOGOUT_BODY)).getAll('logout_token');
  if (tokens.length !== 1 || !tokens[0]) throw new HttpError(400, 'invalid_request', 'the body must carry exactly one logout_token');
  return tokens[0];
}

/**
 * Whether a session is one the token ends: with a `sid`, the sessions of that provider session
 * (and those of its `sub` that never learnt a `sid`); with only `sub`, every session of it.
 */
function matches(data: SessionData, subject: LogoutSubject): boolean {
  if (subject.sid && data.sid) return data.sid === subject.sid;
  return subject.sub !== undefined && data.user.sub === subject.sub;
}

/** Ends every session the token names, found through the `sid` and `sub` indexes. */
async function endSessionsOf(config: BffConfig, subject: LogoutSubject): Promise<void> {
  const indexes = [subject.sid && indexKey(config, 'sid', subject.sid), subject.sub && indexKey(config, 'sub', subject.sub)].filter((i): i is string => !!i);
  const keys = new Set((await Promise.all(indexes.map((index) => config.store.indexMembers(index)))).flat());
  for (const key of keys) {
    const session = await readSession(config, key);
    if (session && matches(session.data, subject)) await endSession(config, key, session.data);
  }
}

/**
 * `POST /bff/backchannel-logout`: the authorization server says a person's session there
 * ended. No CSRF header (the server is the caller, and its signed logout token is the proof);
 * a verified token ends every matching session (200), a refused one is 400.
 *
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#BCRequest
 */
export async function backchannelLogout(config: BffConfig, request: Request, verify: (token: string) => Promise<LogoutSubject>): Promise<Response> {
  const subject = await verify(await logoutTokenOf(request));
  await endSessionsOf(config, subject);
  return ok();
}
