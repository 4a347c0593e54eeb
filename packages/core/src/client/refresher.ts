import { AuthError } from '../errors.js';
import { defined, noop } from '../objects.js';
import { requestError } from '../protocol/http.js';
import { refreshGrant, type TokenEndpoint } from '../protocol/tokenRequests.js';
import type { TokenSet } from '../protocol/tokenResponse.js';
import type { AuthUser } from '../types.js';
import type { AuthStateStore } from './authState.js';
import type { ClientConfig } from './options.js';
import { MAX_REFRESHES_PER_MINUTE, type RefreshLimiter } from './refreshLimiter.js';
import type { MetadataSource } from './serverMetadata.js';
import type { Session } from './session.js';
import type { SpentRefreshTokens } from './spentRefreshTokens.js';
import { newRefreshId, type StoredSession } from './storedSession.js';
import type { WithLock } from './tabLock.js';
import type { TokenTiming } from './tokenTiming.js';

export interface RefresherDeps {
  config: ClientConfig;
  session: Session;
  state: AuthStateStore;
  timing: TokenTiming;
  limiter: RefreshLimiter;
  withLock: WithLock;
  spent: SpentRefreshTokens;
  metadata: MetadataSource;
}

/** Refreshing the session's tokens: one request at a time for every caller and trigger. */
export interface Refresher {
  /** One refresh for every caller in this tab (and tab sharing the session); `force` ignores whether the token is due. */
  run(force: boolean): Promise<void>;
  /** The refresh on its way, if any. */
  inFlight(): Promise<void> | undefined;
  /** Starts a refresh when one is due and allowed; failures show in the state. */
  refreshIfDue(): void;
  /** (Re)arms the background timer for the current session. */
  schedule(): void;
  stop(): void;
}

export const loginRequired = (why: string): AuthError => new AuthError('login_required', `${why}; sign in again`);

const limited = (nextAt: number): AuthError =>
  new AuthError(
    'network_error',
    `refreshing is paused: at most ${MAX_REFRESHES_PER_MINUTE} refresh requests a minute (does the server issue tokens that expire at once?); next attempt in ${Math.ceil((nextAt - Date.now()) / 1000)} s`,
  );

/** Whether a refresh response rotated the refresh token (else the old one stays valid). */
const rotated = (tokens: TokenSet, old: string): boolean => tokens.refreshToken !== undefined && tokens.refreshToken !== old;

/** The session after a refresh: what the response omits stays (a non-rotating server's refresh token, the ID token, scope). */
function refreshed(session: StoredSession, tokens: TokenSet, user: AuthUser | null): StoredSession {
  const next = { ...session, receivedAt: Date.now(), tokens: defined<TokenSet>({ ...session.tokens, expiresAt: undefined, ...tokens }), user };
  return rotated(tokens, session.tokens.refreshToken as string) ? { ...next, refreshId: newRefreshId() } : next;
}

export function createRefresher(deps: RefresherDeps): Refresher {
  const { config, session, state, timing, limiter } = deps;
  let inFlight: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  /** The stored session when another tab rotated the refresh token first (read inside the lock). */
  const newerInStorage = (refreshToken: string): StoredSession | undefined => {
    const latest = config.storage.shared ? session.read() : undefined;
    return latest && latest.tokens.refreshToken !== refreshToken ? latest : undefined;
  };

  /** A duplicated tab's copy of a refresh token another tab already used: drop it, never send it. */
  function giveUp(stored: StoredSession): never {
    const error = loginRequired('another tab already used this session’s refresh token (a duplicated tab?)');
    const { refreshToken: _spent, ...tokens } = stored.tokens;
    const { refreshId: _id, ...rest } = stored;
    if (timing.isExpired(stored)) session.end(error);
    else session.update({ ...rest, tokens });
    throw error;
  }

  /** `sent`: the refresh token sent, or undefined when the request never left (discovery failed). */
  function onFailure(cause: unknown, sent: { refreshToken: string; refreshId: string } | undefined, startEpoch: number): void {
    const error = requestError(cause, 'refresh failed');
    if (session.epoch() !== startEpoch) throw error;
    if (sent && (error.code === 'token_error' || error.code === 'invalid_id_token')) {
      // Lost a race with another tab that rotated the refresh token first: use its session.
      const latest = error.code === 'token_error' ? newerInStorage(sent.refreshToken) : undefined;
      if (latest) return session.adopt(latest);
      session.end(error);
    } else {
      // No answer (network, timeout, 5xx): the server did not spend the refresh token.
      if (sent && error.code === 'network_error') deps.spent.release(sent.refreshId);
      limiter.failed(error);
      state.setError(error);
    }
    throw error;
  }

  async function send(stored: StoredSession, refreshToken: string, refreshId: string): Promise<void> {
    const startEpoch = session.epoch();
    let te: TokenEndpoint;
    try {
      te = deps.metadata.tokenEndpoint(await deps.metadata.get());
    } catch (cause) {
      return onFailure(cause, undefined, startEpoch);
    }
    if (!deps.spent.claim(refreshId)) giveUp(stored);
    try {
      const { tokens, claims } = await refreshGrant(te, refreshToken);
      if (claims && stored.user && claims.sub !== stored.user.sub) {
        throw new AuthError('invalid_id_token', 'the refreshed ID token is for another person (`sub` changed); sign in again');
      }
      // A server that does not rotate keeps the token valid: ours (and a duplicated tab's) to use again.
      if (!rotated(tokens, refreshToken)) deps.spent.release(refreshId);
      if (session.epoch() !== startEpoch) return; // signed out meanwhile: drop the result
      session.update(refreshed(stored, tokens, claims ? ({ ...claims } as AuthUser) : stored.user));
      limiter.succeeded();
    } catch (cause) {
      onFailure(cause, { refreshToken, refreshId }, startEpoch);
    }
  }

  async function refreshLocked(force: boolean): Promise<void> {
    const seen = session.current();
    // Inside the lock the stored session is the truth: another tab may have refreshed already.
    const stored = config.storage.shared ? session.read() : seen;
    if (!stored) {
      if (seen) session.end(null);
      throw loginRequired('the session ended');
    }
    if (seen && stored.tokens.accessToken !== seen.tokens.accessToken) {
      session.adopt(stored);
      if (!timing.isDue(stored)) return;
    } else if (!force && !timing.isDue(stored)) {
      return;
    }
    const { refreshToken } = stored.tokens;
    if (!refreshToken || !stored.refreshId) {
      if (timing.isExpired(stored)) session.end(null);
      throw loginRequired('the server issued no refresh token (ask for offline_access)');
    }
    if (!limiter.take()) throw limiter.lastError() ?? limited(limiter.nextAt());
    await send(stored, refreshToken, stored.refreshId);
  }

  function clearTimer(): void {
    clearTimeout(timer);
    timer = undefined;
  }

  const refresher: Refresher = {
    run(force) {
      return (inFlight ??= deps.withLock(() => refreshLocked(force)).finally(() => {
        inFlight = undefined;
        refresher.schedule();
      }));
    },
    inFlight: () => inFlight,
    refreshIfDue() {
      const current = session.current();
      if (current?.tokens.refreshToken && timing.isDue(current) && Date.now() >= limiter.nextAt()) refresher.run(false).catch(noop);
    },
    schedule() {
      clearTimer();
      const current = session.current();
      if (stopped || inFlight || !config.autoRefresh || !current?.tokens.refreshToken || current.tokens.expiresAt === undefined) return;
      // setTimeout overflows above 2^31-1 ms; a later re-schedule covers very long lifetimes.
      const delay = Math.min(Math.max(0, Math.max(timing.dueAt(current), limiter.nextAt()) - Date.now()), 2 ** 31 - 1);
      timer = setTimeout(() => {
        timer = undefined;
        refresher.refreshIfDue();
        if (!inFlight) refresher.schedule();
      }, delay);
    },
    stop() {
      stopped = true;
      clearTimer();
    },
  };
  return refresher;
}
