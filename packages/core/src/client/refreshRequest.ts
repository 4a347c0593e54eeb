import { AuthError } from '../errors.js';
import { defined } from '../objects.js';
import { requestError } from '../protocol/http.js';
import { refreshGrant, type TokenEndpoint } from '../protocol/tokenRequests.js';
import type { TokenSet } from '../protocol/tokenResponse.js';
import type { AuthUser } from '../types.js';
import { targetParams, withApiToken, type TokenTarget } from './apiTokens.js';
import type { RefresherDeps } from './refresher.js';
import { newRefreshId, type StoredSession } from './storedSession.js';

export const loginRequired = (why: string): AuthError => new AuthError('login_required', `${why}; sign in again`);

/** Whether a refresh response rotated the refresh token (else the old one stays valid). */
const rotated = (tokens: TokenSet, old: string): boolean => tokens.refreshToken !== undefined && tokens.refreshToken !== old;

/**
 * The session after a refresh: what the response omits stays (a non-rotating server's refresh
 * token, the ID token, scope); a target's access token goes to its cache, not the session's.
 */
function refreshed(session: StoredSession, tokens: TokenSet, user: AuthUser | null, target: TokenTarget): StoredSession {
  const now = Date.now();
  const next = target
    ? { ...withApiToken(session, target, tokens, now), user }
    : { ...session, receivedAt: now, tokens: defined<TokenSet>({ ...session.tokens, expiresAt: undefined, ...tokens }), user };
  return rotated(tokens, session.tokens.refreshToken as string) ? { ...next, refreshId: newRefreshId() } : next;
}

/** The stored session when another tab rotated the refresh token first (read inside the lock). */
function newerInStorage({ config, session }: RefresherDeps, refreshToken: string): StoredSession | undefined {
  const latest = config.storage.shared ? session.read() : undefined;
  return latest && latest.tokens.refreshToken !== refreshToken ? latest : undefined;
}

/**
 * A duplicated tab's copy of a refresh token another tab already used: drop it, never send it.
 * The DPoP key becomes the other tab's: this tab may use it until its access token expires, and
 * must not delete it then.
 */
function giveUp({ session, timing }: RefresherDeps, stored: StoredSession): never {
  const error = loginRequired('another tab already used this session’s refresh token (a duplicated tab?)');
  const { refreshToken: _spent, ...tokens } = stored.tokens;
  const { refreshId: _id, ...rest } = stored;
  session.update(defined<StoredSession>({ ...rest, tokens, keyBorrowed: rest.dpopKey ? true : undefined }));
  if (timing.isExpired(stored)) session.end(error);
  throw error;
}

/** A refresh token with its id. */
interface Presented {
  refreshToken: string;
  refreshId: string;
}

/** The refresh token sent: undefined when the request never left (discovery failed). */
type Sent = Presented | undefined;

/** OAuth errors that refuse one API's token (RFC 8707 §2, RFC 6749 §5.2), not the refresh token. */
const TARGET_REFUSALS = ['invalid_target', 'invalid_scope'];

/** Answers after which the refresh token is gone: refused, or a 200 whose tokens were unusable (the server rotated). */
const SPENDING = ['token_error', 'invalid_id_token', 'invalid_token_response'];

/**
 * A failed refresh: keep the session when only an API's token was refused, end it (refused or
 * spent), adopt another tab's (lost a race), or back off (no answer).
 */
function onFailure(deps: RefresherDeps, cause: unknown, sent: Sent, startEpoch: number, target: TokenTarget): void {
  const { session, limiter } = deps;
  const error = requestError(cause, 'refresh failed');
  if (session.epoch() !== startEpoch) throw error;
  if (error.code === 'login_required') {
    // The DPoP key is gone: its tokens cannot be used again.
    session.end(error);
  } else if (sent && target && TARGET_REFUSALS.includes(error.error ?? '')) {
    // The server refused that resource or scope and kept the refresh token.
    deps.spent.release(sent.refreshId);
  } else if (sent && SPENDING.includes(error.code)) {
    // Lost a race with another tab that rotated the refresh token first: use its session.
    const latest = error.code === 'token_error' ? newerInStorage(deps, sent.refreshToken) : undefined;
    if (latest) return session.adopt(latest);
    session.end(error);
  } else {
    // No answer (network, timeout, 5xx): taken as not spent, so this tab may retry. (Had the server
    // rotated it before the answer was lost, the retry fails invalid_grant like any client's.)
    if (sent && error.code === 'network_error') deps.spent.release(sent.refreshId);
    limiter.failed(error);
    deps.state.setError(error);
  }
  throw error;
}

/**
 * Sends one refresh request for `stored` (inside the refresh lock, after the limiter allowed it):
 * the refresh token is claimed first, so no tab ever presents it twice; the result replaces the
 * session unless it ended meanwhile.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6, https://www.rfc-editor.org/rfc/rfc9700#section-4.14
 */
export async function sendRefresh(deps: RefresherDeps, stored: StoredSession, { refreshToken, refreshId }: Presented, target: TokenTarget): Promise<void> {
  const { session } = deps;
  const startEpoch = session.epoch();
  if (!deps.spent.claim(refreshId)) giveUp(deps, stored);
  let te: TokenEndpoint;
  try {
    te = { ...deps.metadata.tokenEndpoint(await deps.metadata.get()), dpop: await deps.dpop?.sessionHandle(stored) };
  } catch (cause) {
    // Discovery failed (or the DPoP key is gone): the refresh token never left, so it is not spent.
    deps.spent.release(refreshId);
    return onFailure(deps, cause, undefined, startEpoch, target);
  }
  try {
    const { tokens, claims } = await refreshGrant(te, refreshToken, targetParams(target));
    if (claims && stored.user && claims.sub !== stored.user.sub) {
      throw new AuthError('invalid_id_token', 'the refreshed ID token is for another person (`sub` changed); sign in again');
    }
    // A server that does not rotate keeps the token valid: ours (and a duplicated tab's) to use again.
    if (!rotated(tokens, refreshToken)) deps.spent.release(refreshId);
    if (session.epoch() !== startEpoch) return; // signed out meanwhile: drop the result
    session.update(refreshed(stored, tokens, claims ? ({ ...claims } as AuthUser) : stored.user, target));
    deps.limiter.succeeded();
  } catch (cause) {
    onFailure(deps, cause, { refreshToken, refreshId }, startEpoch, target);
  }
}
