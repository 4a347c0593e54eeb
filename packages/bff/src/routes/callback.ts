import { exchangeCode, isAuthError, type CodeExchangeResult } from '@pkce-auth/core';
import { keyedHash } from '../crypto.js';
import type { BffConfig } from '../options.js';
import { PENDING_TTL_MS, pendingLoginsCookie, readPendingLogins, type PendingLogin } from '../pendingLogins.js';
import { requestCookies, requestSessionKey, sessionCookie } from '../requestSession.js';
import { HttpError, redirect } from '../responses.js';
import { createSession, endSession, held, readSession, type SessionData } from '../sessions.js';

/** ID-token claims about the token itself, not the person: kept out of `user`. */
const TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash', 's_hash'];

/** The pending login the callback's `state` belongs to, or a 400 that says why there is none. */
function pendingFor(url: URL, pending: PendingLogin[]): PendingLogin {
  const states = url.searchParams.getAll('state');
  if (states.length !== 1 || !states[0]) throw new HttpError(400, 'state_mismatch', 'the callback must carry exactly one `state`; start the sign-in again from the app');
  const login = pending.find((p) => p.state === states[0]);
  if (!login) {
    throw new HttpError(400, 'state_mismatch', 'no sign-in in progress in this browser matches this callback (it expired after 10 minutes, was already used, or was not started here); start the sign-in again from the app');
  }
  return login;
}

/** The session a successful exchange starts. */
function sessionData(config: BffConfig, { tokens, claims }: CodeExchangeResult): SessionData {
  if (!claims) throw new HttpError(400, 'invalid_id_token', 'the token response carried no ID token; the BFF needs one (scope openid)');
  const user = Object.fromEntries(Object.entries(claims).filter(([name]) => !TOKEN_CLAIMS.includes(name))) as SessionData['user'];
  const now = Date.now();
  return {
    user,
    ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}),
    token: held(tokens),
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    ...(tokens.idToken ? { idToken: tokens.idToken } : {}),
    apiTokens: {},
    createdAt: now,
    expiresAt: now + config.sessionTtlMs,
  };
}

/** Exchanges the code (state, RFC 9207 `iss`, `error`, PKCE, nonce: the core's checks). An OAuth refusal is the browser's 400. */
async function exchange(config: BffConfig, url: URL, login: PendingLogin): Promise<CodeExchangeResult> {
  try {
    return await exchangeCode({
      ...config.client,
      redirectUri: config.redirectUri,
      callbackUrl: url,
      codeVerifier: login.verifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
    });
  } catch (error) {
    if (isAuthError(error) && !['network_error', 'discovery_failed', 'invalid_config'].includes(error.code)) {
      throw new HttpError(400, error.code, `sign-in failed: ${error.message}`);
    }
    throw error;
  }
}

/**
 * `GET /bff/callback`: the authorization server's redirect back. The `state` must match a
 * pending login of this browser's login cookie and is spent at the store before anything else,
 * so a replayed callback is refused even with the old cookie and a code is exchanged at most
 * once. Success starts a session (a new id, never the previous one) and 303s to `returnTo`;
 * failure is a 4xx with a message, never a redirect into a new login.
 */
export async function callback(config: BffConfig, request: Request, url: URL): Promise<Response> {
  const cookies = requestCookies(config, request);
  const pending = readPendingLogins(config, cookies.login);
  const login = pendingFor(url, pending);
  const loginCookie = pendingLoginsCookie(config, pending.filter((p) => p !== login));
  const refuse = (error: HttpError) => new HttpError(error.status, error.error, error.message, { 'set-cookie': loginCookie });
  if (!(await config.store.set(`state:${keyedHash(config.keys.ids, login.state)}`, '1', PENDING_TTL_MS, 'absent'))) {
    throw refuse(new HttpError(400, 'state_mismatch', 'this sign-in response was already used; start the sign-in again from the app'));
  }
  let data: SessionData;
  try {
    data = sessionData(config, await exchange(config, url, login));
  } catch (error) {
    throw error instanceof HttpError ? refuse(error) : error;
  }
  const previous = requestSessionKey(config, cookies);
  if (previous) await endSession(config, previous, (await readSession(config, previous))?.data);
  const id = await createSession(config, data);
  const headers = new Headers();
  headers.append('set-cookie', sessionCookie(config, id));
  headers.append('set-cookie', loginCookie);
  return redirect(303, new URL(login.returnTo, config.baseUrl).href, headers);
}
