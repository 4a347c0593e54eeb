import { defined, isObject, pickMetadata, type ServerMetadata, type TokenSet } from './protocol.js';
import type { AuthUser } from './types.js';

/** What a stored session holds; the refresh token stays here, never in `AuthState`. */
export interface StoredSession {
  v: 1;
  clientId: string;
  tokens: TokenSet;
  /** Epoch ms when the tokens were received: with `expiresAt` it gives the token's lifetime. */
  receivedAt: number;
  user: AuthUser | null;
  meta: ServerMetadata;
}

/** A login started by this tab and waiting for its callback. */
export interface PendingLogin {
  state: string;
  verifier: string;
  nonce?: string;
  returnTo: string;
  createdAt: number;
  redirectUri: string;
  meta: ServerMetadata;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const optional = (v: unknown, test: (v: unknown) => boolean = isString): boolean => v === undefined || test(v);

/**
 * Runs `parse` on a value read back from storage: any failed `check` (or a TypeError on a
 * missing part) reads as absent, so a corrupt or foreign entry can never crash the app.
 */
function parseStored<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}
function check(condition: boolean): void {
  if (!condition) throw new TypeError('malformed stored entry');
}

/** Validates a stored session for `clientId` (another client's or format's reads as none). */
export function parseSession(value: unknown, clientId: string): StoredSession | undefined {
  return parseStored(() => {
    const { v, tokens: t, receivedAt, user } = value as Record<string, unknown>;
    const { accessToken, tokenType, expiresAt, scope, refreshToken, idToken } = t as Record<string, unknown>;
    check(
      v === 1 &&
        (value as StoredSession).clientId === clientId &&
        Number.isFinite(receivedAt) &&
        (user === null || (isObject(user) && isString(user.sub))) &&
        isString(accessToken) &&
        tokenType === 'Bearer' &&
        optional(expiresAt, Number.isFinite) &&
        optional(scope, (s) => typeof s === 'string') &&
        optional(refreshToken) &&
        optional(idToken),
    );
    const tokens = defined({ accessToken, tokenType, expiresAt, scope, refreshToken, idToken } as TokenSet);
    return { v: 1, clientId, tokens, receivedAt: receivedAt as number, user: user as AuthUser | null, meta: pickMetadata((value as StoredSession).meta as never) };
  });
}

/** Validates one pending login read back from storage. */
export function parsePending(value: unknown): PendingLogin | undefined {
  return parseStored(() => {
    const { state, verifier, nonce, returnTo, createdAt, redirectUri, meta } = value as Record<string, unknown>;
    check(
      isString(state) &&
        typeof verifier === 'string' &&
        /^[A-Za-z0-9._~-]{43,128}$/.test(verifier) &&
        optional(nonce) &&
        typeof returnTo === 'string' &&
        Number.isFinite(createdAt) &&
        typeof redirectUri === 'string',
    );
    return defined({ state, verifier, nonce, returnTo, createdAt, redirectUri, meta: pickMetadata(meta as never) }) as PendingLogin;
  });
}
