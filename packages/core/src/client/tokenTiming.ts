import type { StoredSession } from './storedSession.js';

/** When a session's access token is due for refresh and when it expires. */
export interface TokenTiming {
  /** Epoch ms from which a refresh is due: `min(leeway, lifetime / 2)` before expiry. */
  dueAt(session: StoredSession): number;
  isDue(session: StoredSession): boolean;
  isExpired(session: StoredSession): boolean;
}

export function createTokenTiming(leewayMs: number): TokenTiming {
  const dueAt = ({ tokens: { expiresAt }, receivedAt }: StoredSession): number =>
    expiresAt === undefined ? Infinity : expiresAt - Math.min(leewayMs, Math.max(0, expiresAt - receivedAt) / 2);
  return {
    dueAt,
    isDue: (session) => Date.now() >= dueAt(session),
    isExpired: (session) => Date.now() >= (session.tokens.expiresAt ?? Infinity),
  };
}
