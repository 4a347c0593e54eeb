/** An access token with its expiry and when it came: a session, or one API's token. */
export interface Timed {
  tokens: { expiresAt?: number | undefined };
  receivedAt: number;
}

/** When an access token is due for refresh and when it expires. */
export interface TokenTiming {
  /** Epoch ms from which a refresh is due: `min(leeway, lifetime / 2)` before expiry. */
  dueAt(token: Timed): number;
  isDue(token: Timed): boolean;
  isExpired(token: Timed): boolean;
}

export function createTokenTiming(leewayMs: number): TokenTiming {
  const dueAt = ({ tokens: { expiresAt }, receivedAt }: Timed): number =>
    expiresAt === undefined ? Infinity : expiresAt - Math.min(leewayMs, Math.max(0, expiresAt - receivedAt) / 2);
  return {
    dueAt,
    isDue: (session) => Date.now() >= dueAt(session),
    isExpired: (session) => Date.now() >= (session.tokens.expiresAt ?? Infinity),
  };
}
