import type { AuthUser, TokenSet } from '@pkce-auth/core';
import { keyedHash, open, randomId, seal } from './crypto.js';
import type { BffConfig } from './options.js';

/** An access token with when it came, so a token born expired is not refreshed in a loop. */
export interface HeldToken {
  accessToken: string;
  /** Epoch ms; absent when the server did not say. */
  expiresAt?: number;
  scope?: string;
  /** Epoch ms. */
  obtainedAt: number;
}

/** What a session holds, sealed in the store; none of it reaches the browser but `user` and `expiresAt`. */
export interface SessionData {
  user: AuthUser;
  /** The OpenID Provider's session id (`sid`), for back-channel logout. */
  sid?: string;
  token: HeldToken;
  refreshToken?: string;
  idToken?: string;
  /** Per-API tokens by resource indicator. */
  apiTokens: Record<string, HeldToken>;
  /** Epoch ms. */
  createdAt: number;
  /** The absolute end, epoch ms. */
  expiresAt: number;
  /** When a refresh last failed for a reason other than a dead grant (epoch ms): backoff. */
  refreshFailedAt?: number;
}

/** A session as loaded: its store key and its data. */
export interface Session {
  key: string;
  data: SessionData;
}

/** The store key of the session whose cookie carries `id` (a hash: a store dump yields no cookie). */
export const sessionKey = (config: BffConfig, id: string): string => `session:${keyedHash(config.keys.ids, id)}`;
/** The index of the sessions of an OpenID Provider session (`sid`) or a subject (`sub`). */
export const indexKey = (config: BffConfig, kind: 'sid' | 'sub', value: string): string => `${kind}:${keyedHash(config.keys.ids, value)}`;

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Whether `value` looks like a session id the BFF made (32 random bytes, base64url). */
export const isSessionId = (value: string): boolean => SESSION_ID.test(value);

/** How long a session's store entry lives from now: until idle, never past the absolute end. */
export const entryTtl = (config: BffConfig, data: SessionData): number => Math.min(config.idleTtlMs, data.expiresAt - Date.now());

/** The held form of freshly issued tokens. */
export function held(tokens: Pick<TokenSet, 'accessToken' | 'expiresAt' | 'scope'>): HeldToken {
  return {
    accessToken: tokens.accessToken,
    obtainedAt: Date.now(),
    ...(tokens.expiresAt !== undefined ? { expiresAt: tokens.expiresAt } : {}),
    ...(tokens.scope !== undefined ? { scope: tokens.scope } : {}),
  };
}

/**
 * Stores a new session under a fresh random id, indexed by `sub` and `sid`; returns the id for
 * the cookie. The indexes are written first: a store failing half-way leaves at most an index
 * entry naming no session, never a session that back-channel logout cannot find.
 */
export async function createSession(config: BffConfig, data: SessionData): Promise<string> {
  const id = randomId();
  const key = sessionKey(config, id);
  const ttl = data.expiresAt - Date.now();
  await config.store.addToIndex(indexKey(config, 'sub', data.user.sub), key, ttl);
  if (data.sid) await config.store.addToIndex(indexKey(config, 'sid', data.sid), key, ttl);
  await config.store.set(key, seal(config.keys.session, JSON.stringify(data), key), entryTtl(config, data));
  return id;
}

/**
 * Reads and opens the session at `key`, with its store entry's time left (`ttlMs`); undefined
 * when absent, past its absolute end, or not something this secret sealed for this key (such an
 * entry is deleted).
 */
export async function readSession(config: BffConfig, key: string): Promise<(Session & { ttlMs: number }) | undefined> {
  const stored = await config.store.get(key);
  if (stored === undefined) return undefined;
  const plain = open(config.keys.session, stored.value, key);
  const data = plain === undefined ? undefined : parseSession(plain);
  if (!data || data.expiresAt <= Date.now()) {
    await endSession(config, key, data);
    return undefined;
  }
  return { key, data, ttlMs: stored.ttlMs };
}

function parseSession(plain: string): SessionData | undefined {
  try {
    const data = JSON.parse(plain) as SessionData;
    const valid = typeof data?.user?.sub === 'string' && typeof data.token?.accessToken === 'string' && typeof data.expiresAt === 'number';
    return valid ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes back a session that changed (new tokens), only if it still exists: a logout that
 * deleted it meanwhile wins.
 *
 * @returns whether it was written.
 */
export function saveSession(config: BffConfig, session: Session): Promise<boolean> {
  const { key, data } = session;
  return config.store.set(key, seal(config.keys.session, JSON.stringify(data), key), entryTtl(config, data), 'present');
}

/**
 * The share of the idle timeout a session's entry may lose before a call pushes its expiry back:
 * a tenth. A busy session then costs one store write per tenth of `idleTtlSeconds` (6 minutes at
 * the default hour) instead of one per call, and its idle timeout stays an upper bound: it ends
 * between 0.9 × and 1 × `idleTtlSeconds` after its last call, never later than configured.
 */
const TOUCH_AFTER_SHARE = 0.1;

/**
 * Whether a session whose store entry has `ttlMs` left needs its expiry pushed back now: when it
 * has lost more than a tenth of its idle timeout since it was last set (written or touched). The
 * time left is the store's own (Redis `PTTL`), not anything the session or the browser says; a
 * session near its absolute end needs no touch (its entry already ends there).
 */
export const needsTouch = (config: BffConfig, data: SessionData, ttlMs: number): boolean => ttlMs < entryTtl(config, data) - config.idleTtlMs * TOUCH_AFTER_SHARE;

/** The session of a request by its cookie's id, its idle expiry pushed back when due; undefined when there is none. */
export async function loadSession(config: BffConfig, id: string): Promise<Session | undefined> {
  const session = await readSession(config, sessionKey(config, id));
  if (session && needsTouch(config, session.data, session.ttlMs)) await config.store.touch(session.key, entryTtl(config, session.data));
  return session;
}

/** Deletes the session at `key` and its index entries (when its data is known). */
export async function endSession(config: BffConfig, key: string, data?: SessionData): Promise<void> {
  await config.store.delete(key);
  if (data) await config.store.removeFromIndex(indexKey(config, 'sub', data.user.sub), key);
  if (data?.sid) await config.store.removeFromIndex(indexKey(config, 'sid', data.sid), key);
}
