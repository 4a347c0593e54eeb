import type { BffConfig } from './options.js';
import { HttpError } from './responses.js';

/** How long a holder may keep a session's lock: longer than a token request may take (the core's 30 s timeout). */
export const LOCK_TTL_MS = 35_000;
const POLL_MS = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` holding the lock of the session at `key` in the store, so that across every
 * instance sharing the store one refresh (or logout) of a session runs at a time. Waits while
 * another holds it, up to {@link LOCK_TTL_MS} (after which a crashed holder's lock has expired).
 *
 * @throws HttpError 503 `session_busy` when the lock could not be had in that time.
 */
export async function withSessionLock<T>(config: BffConfig, key: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_TTL_MS + 1000;
  for (;;) {
    const release = await config.store.lock(`lock:${key}`, LOCK_TTL_MS);
    if (release) {
      try {
        return await fn();
      } finally {
        // A release that fails (the store went away) costs the lock's TTL, not this answer.
        await release().catch(config.onError);
      }
    }
    if (Date.now() > deadline) throw new HttpError(503, 'session_busy', 'another request holds this session (a token refresh); try again');
    await sleep(POLL_MS);
  }
}
