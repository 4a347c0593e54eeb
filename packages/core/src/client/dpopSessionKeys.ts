import type { AuthError } from '../errors.js';
import { requestError } from '../protocol/http.js';
import type { Session } from './session.js';
import type { StoredSession } from './storedSession.js';

/** The key a session owns: not one it borrowed from the tab it was duplicated from. */
const ownedKey = (session: StoredSession | undefined): string | undefined => (session?.keyBorrowed ? undefined : session?.dpopKey);

/**
 * Deletes a session's DPoP key once no session of this tab uses it: when the session ends (a
 * logout, a refused refresh, another tab's sign-out) or a new login replaces it. A key borrowed
 * by a duplicated tab stays, for the tab it was copied from.
 *
 * @returns stop, and a promise of the deletions on their way (a logout waits for them before
 *   leaving the page).
 */
export function deleteKeysOfEndedSessions(
  session: Session,
  discard: (id: string) => Promise<void>,
  onError: (error: AuthError) => void,
): { stop(): void; settled(): Promise<void> } {
  let owned = ownedKey(session.current());
  let deleting: Promise<void> = Promise.resolve();
  const stop = session.onChange(() => {
    const next = ownedKey(session.current());
    const previous = owned;
    owned = next;
    if (!previous || previous === next || session.current()?.dpopKey === previous) return;
    deleting = deleting.then(() => discard(previous)).catch((cause: unknown) => onError(requestError(cause, 'the DPoP key of the ended session could not be deleted')));
  });
  return { stop, settled: () => deleting };
}
