import * as oauth from 'oauth4webapi';
import { defined, isObject, isString, optional } from '../objects.js';
import type { TokenSet, TokenType } from '../protocol/tokenResponse.js';
import { readJson, safeRemove, writeJson } from '../storage.js';
import type { AuthUser, StorageLike } from '../types.js';
import { check, parseStored } from './parseStored.js';

/**
 * What a stored session holds: tokens, user and whose session it is. No endpoint: where tokens
 * go is decided by the configuration, never by storage.
 */
export interface StoredSession {
  v: 2;
  issuer: string;
  clientId: string;
  tokens: TokenSet;
  /** Epoch ms when the tokens were received: with `expiresAt` it gives the token's lifetime. */
  receivedAt: number;
  user: AuthUser | null;
  /** A random id of the refresh token, present with it: what the spent-token log remembers. */
  refreshId?: string;
  /** The id of the DPoP key the tokens are bound to (`dpop: true`). */
  dpopKey?: string;
  /** The key is another tab's (this one is a duplicated tab's copy): used until expiry, never deleted. */
  keyBorrowed?: true;
  /** Access tokens for single APIs (RFC 8707), by target. */
  apiTokens?: Record<string, ApiToken>;
}

/** One API's access token and when it came: what the refresh timing needs. */
export interface ApiToken {
  tokens: Pick<TokenSet, 'accessToken' | 'tokenType' | 'expiresAt' | 'scope'>;
  receivedAt: number;
}

/** A fresh id for a newly received refresh token. */
export const newRefreshId = (): string => oauth.generateRandomState();

/** Whose sessions a client accepts. */
export interface SessionOwner {
  issuer: string;
  clientId: string;
  /** Tokens bound to a DPoP key: the session must name it, and its tokens are `DPoP`. */
  dpop: boolean;
  /** `pkce-auth:<clientId>`: a DPoP key id must be this client's. */
  prefix: string;
}

function parseTokens(value: unknown, type: TokenType): TokenSet {
  const { accessToken, tokenType, expiresAt, scope, refreshToken, idToken } = value as Record<string, unknown>;
  check(
    isString(accessToken) &&
      tokenType === type &&
      optional(expiresAt, Number.isFinite) &&
      optional(scope, (s) => typeof s === 'string') &&
      optional(refreshToken) &&
      optional(idToken),
  );
  return defined({ accessToken, tokenType, expiresAt, scope, refreshToken, idToken } as TokenSet);
}

function parseApiTokens(value: unknown, type: TokenType): Record<string, ApiToken> | undefined {
  if (value === undefined) return undefined;
  check(isObject(value));
  const parsed: Record<string, ApiToken> = {};
  for (const [key, entry] of Object.entries(value as Record<string, { tokens?: unknown; receivedAt?: unknown }>)) {
    const { refreshToken, idToken, ...tokens } = parseTokens(entry.tokens, type);
    check(refreshToken === undefined && idToken === undefined && Number.isFinite(entry.receivedAt));
    parsed[key] = { tokens, receivedAt: entry.receivedAt as number };
  }
  return parsed;
}

/**
 * Validates a stored session for `owner`: another issuer's, client's or format's reads as none,
 * and so does one whose token type is not the client's (a Bearer session for a DPoP client).
 */
export function parseSession(value: unknown, owner: SessionOwner): StoredSession | undefined {
  return parseStored(() => {
    const { v, issuer, clientId, tokens: rawTokens, receivedAt, user, refreshId, dpopKey, keyBorrowed } = value as Record<string, unknown>;
    const type = owner.dpop ? 'DPoP' : 'Bearer';
    const tokens = parseTokens(rawTokens, type);
    const apiTokens = parseApiTokens((value as Record<string, unknown>).apiTokens, type);
    check(
      (owner.dpop ? isString(dpopKey) && dpopKey.startsWith(`${owner.prefix}:`) : dpopKey === undefined) &&
      optional(keyBorrowed, (b) => b === true) &&
      v === 2 &&
        (tokens.refreshToken === undefined ? refreshId === undefined : isString(refreshId)) &&
        issuer === owner.issuer &&
        clientId === owner.clientId &&
        Number.isFinite(receivedAt) &&
        (user === null || (isObject(user) && isString(user.sub))),
    );
    const session: StoredSession = { v: 2, issuer: owner.issuer, clientId: owner.clientId, tokens, receivedAt: receivedAt as number, user: user as AuthUser | null };
    return defined<StoredSession>({ ...session, refreshId: refreshId as string | undefined, dpopKey: dpopKey as string | undefined, keyBorrowed: keyBorrowed as true | undefined, apiTokens });
  });
}

/** Reads and writes one client's session record; what fails validation is removed. */
export interface SessionPersistence {
  read(): StoredSession | undefined;
  write(session: StoredSession): void;
  remove(): void;
}

export function createSessionPersistence(storage: StorageLike, key: string, owner: SessionOwner): SessionPersistence {
  return {
    read() {
      const raw = readJson(storage, key);
      const parsed = raw === undefined ? undefined : parseSession(raw, owner);
      if (raw !== undefined && !parsed) safeRemove(storage, key);
      return parsed;
    },
    write: (session) => writeJson(storage, key, session),
    remove: () => safeRemove(storage, key),
  };
}
