import { noop, sameJson } from '../objects.js';
import { targetKey, tokenOf, type TokenTarget } from './apiTokens.js';
import type { AuthStateStore } from './authState.js';
import type { Dpop } from './dpop.js';
import type { ClientConfig } from './options.js';
import type { RefreshLimiter } from './refreshLimiter.js';
import { loginRequired, sendRefresh } from './refreshRequest.js';
import type { MetadataSource } from './serverMetadata.js';
import type { Session } from './session.js';
import type { SpentRefreshTokens } from './spentRefreshTokens.js';
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
  /** Proves the session's token requests with its key; undefined without `dpop`. */
  dpop: Dpop | undefined;
}

/** Refreshing the session's tokens: one request at a time for every caller and trigger. */
export interface Refresher {
  /**
   * One refresh for every caller in this tab (and tab sharing the session) of the `target`'s
   * token (default: the session's); `force` ignores whether the token is due. Refreshes of
   * different targets take turns: they all spend the one refresh token.
   */
  run(force: boolean, target?: TokenTarget): Promise<void>;
  /** Settles when every refresh on its way has; undefined when none is. */
  inFlight(): Promise<unknown> | undefined;
  /** Starts a refresh when one is due and allowed; failures show in the state. */
  refreshIfDue(): void;
  /** (Re)arms the background timer for the current session. */
  schedule(): void;
  stop(): void;
}

/** The refresh itself, run inside the lock: decides whether one is needed, then sends it. */
async function refreshInLock(deps: RefresherDeps, force: boolean, target: TokenTarget): Promise<void> {
  const { config, session, timing, limiter } = deps;
  const seen = session.current();
  // Inside the lock the stored session is the truth: another tab may have refreshed already.
  const stored = config.storage.shared ? session.read() : seen;
  if (!stored) {
    if (seen) session.end(null);
    throw loginRequired('the session ended');
  }
  const token = tokenOf(stored, target);
  const byOtherTab = seen && token && token.tokens.accessToken !== tokenOf(seen, target)?.tokens.accessToken;
  if (seen && !sameJson(seen, stored)) session.adopt(stored);
  // Another tab's fresh token serves a forced refresh too.
  if (token && !timing.isDue(token) && (byOtherTab || !force)) return;
  const { refreshToken } = stored.tokens;
  if (!refreshToken || !stored.refreshId) {
    if (timing.isExpired(stored)) session.end(null);
    throw loginRequired(target ? 'an API’s own token needs a refresh token (ask for offline_access)' : 'the access token is due and there is no refresh token (ask for offline_access)');
  }
  if (!limiter.take()) throw limiter.refusal();
  await sendRefresh(deps, stored, { refreshToken, refreshId: stored.refreshId }, target);
}

/** Milliseconds until `at`, clamped for setTimeout (which overflows above 2^31-1 ms; a later re-schedule covers longer waits). */
const delayUntil = (at: number): number => Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1);

export function createRefresher(deps: RefresherDeps): Refresher {
  const { config, session, timing, limiter } = deps;
  const inFlight = new Map<string, Promise<void>>();
  /** Refreshes in this tab, one after another (the tab lock may be a no-op): they share one refresh token. */
  let turns: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(fn: () => Promise<T>): Promise<T> => {
    const turn = turns.then(fn);
    turns = turn.catch(noop);
    return turn;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  /** A session that cannot be refreshed ends when its access token expires, so guards sign in again. */
  const endAtExpiry = (expiresAt: number): void => {
    timer = setTimeout(() => {
      const current = session.current();
      if (current && !current.tokens.refreshToken && timing.isExpired(current)) session.end(null);
      else refresher.schedule();
    }, delayUntil(expiresAt));
  };

  const refresher: Refresher = {
    run(force, target) {
      const key = targetKey(target);
      let running = inFlight.get(key);
      if (!running) {
        running = inTurn(() => deps.withLock(() => refreshInLock(deps, force, target))).finally(() => {
          inFlight.delete(key);
          refresher.schedule();
        });
        inFlight.set(key, running);
      }
      return running;
    },
    inFlight: () => (inFlight.size ? Promise.allSettled(inFlight.values()) : undefined),
    refreshIfDue() {
      const current = session.current();
      if (current?.tokens.refreshToken && timing.isDue(current) && Date.now() >= limiter.nextAt()) refresher.run(false).catch(noop);
    },
    schedule() {
      clearTimeout(timer);
      const current = session.current();
      if (stopped || inFlight.size || current?.tokens.expiresAt === undefined) return;
      if (!current.tokens.refreshToken) return endAtExpiry(current.tokens.expiresAt);
      if (!config.autoRefresh) return;
      timer = setTimeout(() => {
        refresher.refreshIfDue();
        if (!inFlight.size) refresher.schedule();
      }, delayUntil(Math.max(timing.dueAt(current), limiter.nextAt())));
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
  return refresher;
}
