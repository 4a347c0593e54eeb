import type { AuthError } from '../errors.js';
import { sameJson } from '../objects.js';
import type { AuthStateStore } from './authState.js';
import type { SessionPersistence, StoredSession } from './storedSession.js';
import type { TokenTiming } from './tokenTiming.js';

/** How the session changed: a new login, a refresh here, another tab's session, or the end. */
export type SessionChange = 'established' | 'refreshed' | 'adopted' | 'ended';

/**
 * The tab's current session: what is in storage, what the state shows, and an epoch that moves
 * whenever the session is replaced or ended, so that a late result of old work can be dropped.
 */
export interface Session {
  current(): StoredSession | undefined;
  epoch(): number;
  /** The stored session, validated (another tab may have changed it). */
  read(): StoredSession | undefined;
  /** A new login's session. */
  establish(session: StoredSession): void;
  /** The same session with refreshed tokens. */
  update(session: StoredSession): void;
  /** A session another tab stored: shown, not written back. */
  adopt(session: StoredSession): void;
  /** Ends the session here and in storage, showing `error` (null: a plain sign-out). */
  end(error: AuthError | null): void;
  /** Takes over what another tab stored: its session, or its sign-out. */
  sync(): void;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: (change: SessionChange) => void): () => void;
}

/** The stored session at start-up; an expired one that cannot be refreshed is no session. */
export function initialSession(persistence: SessionPersistence, timing: TokenTiming): StoredSession | undefined {
  const stored = persistence.read();
  if (stored && timing.isExpired(stored) && !stored.tokens.refreshToken) {
    persistence.remove();
    return undefined;
  }
  return stored;
}

export function createSession(persistence: SessionPersistence, state: AuthStateStore, initial: StoredSession | undefined): Session {
  let current = initial;
  let epoch = 0;
  const listeners = new Set<(change: SessionChange) => void>();
  const changed = (change: SessionChange): void => {
    for (const listener of [...listeners]) listener(change);
  };
  const session: Session = {
    current: () => current,
    epoch: () => epoch,
    read: persistence.read,
    establish(next) {
      persistence.write(next);
      current = next;
      epoch++;
      state.show(next);
      changed('established');
    },
    update(next) {
      persistence.write(next);
      current = next;
      state.show(next);
      changed('refreshed');
    },
    adopt(next) {
      if (current !== next) epoch++;
      current = next;
      state.show(next);
      changed('adopted');
    },
    end(error) {
      current = undefined;
      epoch++;
      persistence.remove();
      state.show(undefined, error);
      changed('ended');
    },
    sync() {
      const stored = persistence.read();
      if (!stored) {
        if (current) session.end(null);
      } else if (!sameJson(current, stored)) {
        session.adopt(stored);
      }
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return session;
}
