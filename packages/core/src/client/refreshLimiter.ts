import { AuthError } from '../errors.js';
import { storedList } from '../storage.js';
import type { StorageLike } from '../types.js';

/** Refresh requests allowed in any sliding minute, per session, successes included. */
export const MAX_REFRESHES_PER_MINUTE = 5;
const MINUTE = 60_000;

/**
 * The one gate every refresh request passes, whatever triggered it (the timer, `getAccessToken`,
 * a 401, `refresh()`, another tab): at most {@link MAX_REFRESHES_PER_MINUTE} requests in any
 * sliding minute, and after a failure an exponential backoff from 1 s with jitter.
 */
export interface RefreshLimiter {
  /** Epoch ms from which the next request may be sent. */
  nextAt(): number;
  /** Records a request about to be sent; false (and nothing recorded) when it may not be sent now. */
  take(): boolean;
  /** A request failed without an answer worth keeping (network, 5xx): back off. */
  failed(error: AuthError): void;
  /** A request succeeded: no backoff (the minute's count stays). */
  succeeded(): void;
  /** Why no request may be sent now: the last failure while backing off, else the per-minute limit. */
  refusal(): AuthError;
  /** Allows one immediate attempt whatever the backoff says (never past the per-minute limit). */
  skipBackoff(): void;
  /** A new or ended session: forget everything. */
  reset(): void;
}

/**
 * `storage` keeps the times of recent requests: the shared storage when tabs share the session
 * (the limit is the session's, not the tab's), else memory. Read back, only times in the past
 * minute count; a tampered entry can only make refreshes rarer.
 */
export function createRefreshLimiter(storage: StorageLike, key: string): RefreshLimiter {
  const list = storedList(storage, key, (t): t is number => typeof t === 'number' && t > Date.now() - MINUTE && t <= Date.now());
  let failures = 0;
  let backoffUntil = 0;
  let last: AuthError | null = null;
  const windowFullUntil = (times: number[]): number =>
    times.length >= MAX_REFRESHES_PER_MINUTE ? (times[times.length - MAX_REFRESHES_PER_MINUTE] as number) + MINUTE : 0;
  const nextAt = (): number => Math.max(backoffUntil, windowFullUntil(list.read()));
  return {
    nextAt,
    take() {
      if (Date.now() < nextAt()) return false;
      list.write([...list.read(), Date.now()].slice(-MAX_REFRESHES_PER_MINUTE));
      return true;
    },
    failed(error) {
      last = error;
      // Exponential from 1 s with up to 30 % jitter, capped at a minute.
      backoffUntil = Date.now() + Math.min(MINUTE, 1000 * 2 ** failures++) * (1 + Math.random() * 0.3);
    },
    succeeded() {
      failures = backoffUntil = 0;
      last = null;
    },
    refusal: () =>
      last ??
      new AuthError('network_error', `refresh paused: ${MAX_REFRESHES_PER_MINUTE} refresh requests this minute already; next in ${Math.ceil((nextAt() - Date.now()) / 1000)} s`),
    skipBackoff() {
      backoffUntil = 0;
    },
    reset() {
      failures = backoffUntil = 0;
      last = null;
      list.write([]);
    },
  };
}
