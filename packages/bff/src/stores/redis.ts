import { randomUUID } from 'node:crypto';
import type { SessionStore } from '../store.js';
import { ownedConnection, sendOver, type RedisCommandClient, type Send } from './redisConnection.js';

export type { RedisCommandClient } from './redisConnection.js';

/** Options of {@link redisStore} besides where Redis is. */
export interface RedisStoreTuning {
  /** Put before every key, so the BFF can share a Redis (and a database) with others. Default `pkce-auth:`. */
  prefix?: string;
  /** A command not answered within this fails (503 at the BFF) instead of holding the request. Default 1000 ms. */
  commandTimeoutMs?: number;
  /** With `url`: how long one connection attempt may take, and the first command may wait for it. Default 1000 ms. */
  connectTimeoutMs?: number;
}

/**
 * Options of {@link redisStore}: a `url` (the store opens, owns and closes its connection) or a
 * connected node-redis `client` (its owner connects and closes it; create it with
 * `disableOfflineQueue: true` to fail fast while Redis is away, as the store's own does).
 */
export type RedisStoreOptions = ({ url: string; client?: never } | { client: RedisCommandClient; url?: never }) & RedisStoreTuning;

/** A {@link SessionStore} on Redis; `close()` closes the connection it opened (none for a given `client`). */
export interface RedisStore extends SessionStore {
  close(): Promise<void>;
}

/** Frees a lock only if it still holds this holder's token (a compare-and-delete). */
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
/**
 * Adds ARGV[1] to the index KEYS[1] until ARGV[2] (epoch ms, the member's score), drops the
 * members gone by ARGV[3] (now), and keeps the index as long as its longest-lived member.
 */
const ADD_TO_INDEX = `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(last[2]) - tonumber(ARGV[3])))
return 1`;

/** A value and its time left (`PTTL`) in one round trip; nil when absent. */
const GET_WITH_TTL = "local v = redis.call('GET', KEYS[1]) if not v then return false end return {v, redis.call('PTTL', KEYS[1])}";

/** Redis takes whole, positive milliseconds; a TTL already spent becomes the shortest one. */
const ms = (ttl: number): string => String(Math.max(1, Math.ceil(ttl)));

const positive = (value: number | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`redisStore \`${name}\` must be a positive number of milliseconds`);
  return value;
};

/** The {@link SessionStore} methods as Redis commands; values, indexes and locks in their own key spaces. */
function commands(send: Send, prefix: string): Omit<SessionStore, 'close'> {
  const value = (key: string) => `${prefix}value:${key}`;
  const index = (key: string) => `${prefix}index:${key}`;
  const lock = (key: string) => `${prefix}lock:${key}`;
  return {
    async get(key) {
      const reply = await send(['EVAL', GET_WITH_TTL, '1', value(key)]);
      if (!Array.isArray(reply) || typeof reply[0] !== 'string') return undefined;
      return { value: reply[0], ttlMs: Number(reply[1]) };
    },
    async set(key, data, ttlMs, condition) {
      const only = condition === 'absent' ? ['NX'] : condition === 'present' ? ['XX'] : [];
      return (await send(['SET', value(key), data, 'PX', ms(ttlMs), ...only])) === 'OK';
    },
    async touch(key, ttlMs) {
      return (await send(['PEXPIRE', value(key), ms(ttlMs)])) === 1;
    },
    async delete(key) {
      await send(['DEL', value(key)]);
    },
    async addToIndex(key, member, ttlMs) {
      const now = Date.now();
      await send(['EVAL', ADD_TO_INDEX, '1', index(key), member, String(now + Math.max(1, Math.ceil(ttlMs))), String(now)]);
    },
    async indexMembers(key) {
      const reply = await send(['ZRANGE', index(key), `(${Date.now()}`, '+inf', 'BYSCORE']);
      return Array.isArray(reply) ? reply.map(String) : [];
    },
    async removeFromIndex(key, member) {
      await send(['ZREM', index(key), member]);
    },
    async lock(key, ttlMs) {
      const token = randomUUID();
      if ((await send(['SET', lock(key), token, 'NX', 'PX', ms(ttlMs)])) !== 'OK') return undefined;
      return async () => {
        await send(['EVAL', RELEASE, '1', lock(key), token]);
      };
    },
  };
}

/**
 * A {@link SessionStore} on Redis (node-redis), for a BFF on several instances: each method is
 * one command (`SET PX NX|XX`, `PEXPIRE`, `DEL`, `ZRANGE BYSCORE`, `ZREM`, and one script each
 * for reading a value with its TTL, adding to an index and releasing a lock), entries expire by
 * Redis's TTL, and the refresh lock is `SET NX PX`, freed only by its holder. It stores what the BFF gives it: keys
 * already HMAC'd, sessions already sealed, so Redis holds no token in clear.
 *
 * Faults fail fast: a command is bounded by `commandTimeoutMs`, and while Redis is unreachable
 * each one fails at once (the BFF answers 503) until the connection is back.
 *
 * @example createBff({ …, store: redisStore({ url: process.env.REDIS_URL }) })
 * @throws TypeError for a `url` that is not redis:// or rediss://, or neither `url` nor `client`.
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  const commandTimeoutMs = positive(options.commandTimeoutMs, 'commandTimeoutMs', 1000);
  const connectTimeoutMs = positive(options.connectTimeoutMs, 'connectTimeoutMs', 1000);
  const prefix = options.prefix ?? 'pkce-auth:';
  if (typeof prefix !== 'string') throw new TypeError('redisStore `prefix` must be a string');
  if (options.client) {
    if (typeof options.client.sendCommand !== 'function') throw new TypeError('redisStore `client` must be a node-redis client (createClient from "redis")');
    return { ...commands(sendOver(options.client, commandTimeoutMs), prefix), close: async () => {} };
  }
  if (typeof options.url !== 'string') throw new TypeError('redisStore needs a `url` (redis://host:port) or a connected node-redis `client`');
  const connection = ownedConnection({ url: options.url, connectTimeoutMs, commandTimeoutMs });
  return { ...commands(connection.send, prefix), close: connection.close };
}
