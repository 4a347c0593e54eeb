import { parseSecureUrl, revokeToken, type ServerMetadata } from '@pkce-auth/core';
import { serverMetadata } from '../metadata.js';
import type { BffConfig } from '../options.js';
import { clearSessionCookie, requestCookies, requestSessionKey } from '../requestSession.js';
import { json } from '../responses.js';
import { withSessionLock } from '../sessionLock.js';
import { endSession, readSession, type SessionData } from '../sessions.js';

/**
 * Ends the session at `key` under its lock, so a refresh on its way finishes first and the
 * refresh token revoked is the newest; returns what it held.
 */
function takeSession(config: BffConfig, key: string): Promise<SessionData | undefined> {
  return withSessionLock(config, key, async () => {
    const data = (await readSession(config, key))?.data;
    await endSession(config, key, data);
    return data;
  });
}

/**
 * Where the browser goes next: the server's end-session endpoint with `id_token_hint` and
 * `post_logout_redirect_uri` when it has one, else the post-logout URI itself.
 *
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
 */
function redirectTo(config: BffConfig, meta: ServerMetadata | undefined, data: SessionData | undefined): string {
  if (config.logoutUrl && data) return providerLogoutUrl(config, meta, data);
  if (!meta?.end_session_endpoint || !data) return config.postLogoutRedirectUri;
  const url = new URL(meta.end_session_endpoint);
  url.searchParams.set('client_id', config.client.clientId);
  url.searchParams.set('post_logout_redirect_uri', config.postLogoutRedirectUri);
  if (data.idToken) url.searchParams.set('id_token_hint', data.idToken);
  return url.href;
}

/** The `logoutUrl` option's URL (a preset's provider logout); the post-logout URI when it gives none or a bad one. */
function providerLogoutUrl(config: BffConfig, meta: ServerMetadata | undefined, data: SessionData): string {
  try {
    const url = config.logoutUrl?.({
      clientId: config.client.clientId,
      postLogoutRedirectUri: config.postLogoutRedirectUri,
      ...(data.idToken ? { idToken: data.idToken } : {}),
      ...(meta?.end_session_endpoint ? { endSessionEndpoint: meta.end_session_endpoint } : {}),
    });
    return url === undefined ? config.postLogoutRedirectUri : parseSecureUrl(url, 'the URL `logoutUrl` returned').href;
  } catch (error) {
    config.onError(error);
    return config.postLogoutRedirectUri;
  }
}

/**
 * `POST /bff/logout` (CSRF header): deletes the session, revokes its refresh token (RFC 7009)
 * where the server has a revocation endpoint, clears the cookie and answers `200 { redirectTo }`.
 * Without a session it still clears and answers, so a second click is harmless. A failed
 * discovery or revocation goes to `onError`, not to the browser: the session is gone here either way.
 */
export async function logout(config: BffConfig, request: Request): Promise<Response> {
  const key = requestSessionKey(config, requestCookies(config, request));
  const data = key ? await takeSession(config, key) : undefined;
  const meta = await serverMetadata(config).catch((error: unknown) => void config.onError(error));
  if (meta?.revocation_endpoint && data?.refreshToken) {
    await revokeToken({ ...config.client, token: data.refreshToken, tokenTypeHint: 'refresh_token' }).catch(config.onError);
  }
  return json(200, { redirectTo: redirectTo(config, meta ?? undefined, data) }, { 'set-cookie': clearSessionCookie(config) });
}
