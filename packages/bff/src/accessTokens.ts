import { isAuthError, refreshTokens } from '@pkce-auth/core';
import type { BffConfig } from './options.js';
import { clearSessionCookie } from './requestSession.js';
import { HttpError } from './responses.js';
import { StoreError } from './store.js';
import { withSessionLock } from './sessionLock.js';
import { endSession, held, readSession, saveSession, type HeldToken, type Session, type SessionData } from './sessions.js';

/** A token is refreshed once it has this little left. */
export const REFRESH_MARGIN_MS = 30_000;
/**
 * No token is refreshed again sooner than this after it was issued, nor any after a failed
 * refresh: at most 5 refresh requests a minute per session, whatever the server's `expires_in`.
 */
export const MIN_REFRESH_INTERVAL_MS = 12_000;

const tokenOf = (data: SessionData, resource: string | undefined): HeldToken | undefined => (resource ? data.apiTokens[resource] : data.token);

/** Whether the token for `resource` (the session's own without one) is due and may be refreshed now. */
export function needsRefresh(data: SessionData, resource: string | undefined, now = Date.now()): boolean {
  if (!data.refreshToken) return false;
  if (data.refreshFailedAt !== undefined && now - data.refreshFailedAt < MIN_REFRESH_INTERVAL_MS) return false;
  const token = tokenOf(data, resource);
  if (!token) return true;
  return token.expiresAt !== undefined && token.expiresAt - now <= REFRESH_MARGIN_MS && now - token.obtainedAt >= MIN_REFRESH_INTERVAL_MS;
}

/** The session after one refresh grant for `resource`: new token, rotated refresh token. */
async function refreshed(config: BffConfig, { key, data }: Session, resource: string | undefined): Promise<Session> {
  const refreshToken = data.refreshToken as string;
  const tokens = await refreshTokens({ ...config.client, refreshToken, ...(resource ? { params: { resource } } : {}) });
  const next: SessionData = { ...data, refreshToken: tokens.refreshToken ?? refreshToken };
  delete next.refreshFailedAt;
  if (tokens.idToken) next.idToken = tokens.idToken;
  if (resource) next.apiTokens = { ...data.apiTokens, [resource]: held(tokens) };
  else next.token = held(tokens);
  return { key, data: next };
}

const sessionEnded = (config: BffConfig, why: string) => new HttpError(401, 'login_required', `${why}; sign in again`, { 'set-cookie': clearSessionCookie(config) });

/**
 * Refreshes under the session's lock, after re-reading it (another instance may just have
 * refreshed: then its token is used, and the spent refresh token is never presented). A dead
 * grant (`invalid_grant`) ends the session; another failure is remembered for the backoff and
 * thrown.
 */
async function refreshLocked(config: BffConfig, key: string, resource: string | undefined): Promise<Session> {
  return withSessionLock(config, key, async () => {
    const session = await readSession(config, key);
    if (!session) throw sessionEnded(config, 'the session ended');
    if (!needsRefresh(session.data, resource)) return session;
    let next: Session;
    try {
      next = await refreshed(config, session, resource);
    } catch (error) {
      if (isAuthError(error, 'token_error') && error.error === 'invalid_grant') {
        await endSession(config, key, session.data);
        throw sessionEnded(config, 'the authorization server ended the session (invalid_grant)');
      }
      await saveSession(config, { key, data: { ...session.data, refreshFailedAt: Date.now() } });
      throw error;
    }
    if (!(await saveSession(config, next))) throw sessionEnded(config, 'the session ended during a token refresh');
    return next;
  });
}

/** Gives out access tokens for proxied calls, refreshing at most once per session at a time. */
export interface TokenKeeper {
  /**
   * The access token for a call to an API with this `resource` (none: the session's token).
   *
   * @throws HttpError 401 when the session ended; 502 when no usable token could be had.
   */
  accessToken(session: Session, resource: string | undefined): Promise<string>;
}

/** The token to send, or a 502 that says why there is none worth sending. */
function usable(data: SessionData, resource: string | undefined, failure: unknown): string {
  const token = tokenOf(data, resource);
  const why = failure instanceof Error ? `: ${failure.message}` : '';
  if (!token) {
    const hint = data.refreshToken ? `the token refresh failed${why}` : 'there is no refresh token to get one with (add offline_access to scope)';
    throw new HttpError(502, 'token_unavailable', `no access token for ${resource}: ${hint}`);
  }
  const expired = token.expiresAt !== undefined && token.expiresAt <= Date.now();
  if (expired && (failure !== undefined || data.refreshFailedAt !== undefined)) {
    throw new HttpError(502, 'token_unavailable', `the access token expired and could not be refreshed${why || ' (retrying shortly)'}`);
  }
  return token.accessToken;
}

/** A {@link TokenKeeper}: one refresh in flight per session in this process, and the store's lock across processes. */
export function createTokenKeeper(config: BffConfig): TokenKeeper {
  const inFlight = new Map<string, Promise<Session>>();
  const refresh = (key: string, resource: string | undefined): Promise<Session> => {
    let flight = inFlight.get(key);
    if (!flight) {
      flight = refreshLocked(config, key, resource).finally(() => inFlight.delete(key));
      inFlight.set(key, flight);
    }
    return flight;
  };
  return {
    async accessToken(session, resource) {
      let current = session;
      let failure: unknown;
      // A flight for another API's token may be the one joined: then go again, for this one.
      for (let round = 0; round < 3 && failure === undefined && needsRefresh(current.data, resource); round++) {
        try {
          current = await refresh(current.key, resource);
        } catch (error) {
          // A store outage is the BFF's 503, not a refresh failure to fall back from.
          if (error instanceof HttpError || error instanceof StoreError) throw error;
          failure = error;
        }
      }
      return usable(current.data, resource, failure);
    },
  };
}
