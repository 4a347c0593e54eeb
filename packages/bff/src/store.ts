/**
 * Where the BFF keeps its server-side state: sessions (sealed, so the store sees ciphertext
 * only), the indexes back-channel logout needs, one-time markers and refresh locks.
 *
 * Every method maps onto one Redis command or script (noted on each), so a store shared by
 * several instances keeps the guarantees: one refresh per session at a time, each callback
 * `state` and logout-token `jti` used once. Keys arrive already namespaced and hashed
 * (`session:…`, `sid:…`); a store may add its own prefix. Values are opaque strings. Expired
 * entries must read as absent.
 */
export interface SessionStore {
  /**
   * The value under `key` with the milliseconds it has left to live (so the BFF can tell when it
   * was last given a TTL, and skip a `touch` it does not need), or undefined when absent or
   * expired. Redis: one script (`GET`, then `PTTL`).
   */
  get(key: string): Promise<StoredValue | undefined>;
  /**
   * Stores `value` under `key` for `ttlMs` milliseconds. With `condition` `'absent'` it stores
   * only when no live entry exists (one-time markers); with `'present'` only when one does (so a
   * late write cannot bring back a session a logout deleted).
   *
   * @returns whether it stored. Redis: `SET key value PX ttl [NX|XX]`.
   */
  set(key: string, value: string, ttlMs: number, condition?: 'absent' | 'present'): Promise<boolean>;
  /** Gives a live entry a new time to live (idle expiry) without rewriting it. Redis: `PEXPIRE`. */
  touch(key: string, ttlMs: number): Promise<boolean>;
  /** Deletes `key` (absent is fine). Redis: `DEL`. */
  delete(key: string): Promise<void>;
  /**
   * Adds `member` to the set `index` for `ttlMs` (again: with the new TTL); the index lives as
   * long as its longest-lived member. Redis: a sorted set scored by expiry, one script (`ZADD`,
   * `ZREMRANGEBYSCORE` of the spent members, `PEXPIRE`), so it cannot grow with dead sessions.
   */
  addToIndex(index: string, member: string, ttlMs: number): Promise<void>;
  /** The live members of the set `index` (none when absent). Redis: `ZRANGE … BYSCORE`. */
  indexMembers(index: string): Promise<string[]>;
  /** Removes `member` from the set `index`. Redis: `ZREM`. */
  removeFromIndex(index: string, member: string): Promise<void>;
  /**
   * Takes the lock `key` for at most `ttlMs` (so a crashed holder cannot keep it), or returns
   * undefined when someone holds it. The release function frees it only if it is still this
   * holder's. Redis: `SET lock token NX PX ttl`, released by a compare-and-delete script.
   */
  lock(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
  /** Frees what the store owns (a connection it opened); `bff.close()` calls it. Optional. */
  close?(): Promise<void>;
}

/** What {@link SessionStore.get} finds: the value and its time left to live. */
export interface StoredValue {
  value: string;
  /** Milliseconds until it expires; negative when the store keeps it without a TTL (Redis's `PTTL` -1). */
  ttlMs: number;
}

/**
 * A store operation failed (Redis unreachable, restarting or too slow): the BFF answers `503
 * store_unavailable` and passes this to `onError`. The browser is not told the cause.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  /** The store method that failed (`get`, `set`, `lock`, `lock release`…). */
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    super(`the session store failed (${operation}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.operation = operation;
  }
}

type Method = 'get' | 'set' | 'touch' | 'delete' | 'addToIndex' | 'indexMembers' | 'removeFromIndex';

/** `fn` whose failures are {@link StoreError}s naming `operation`. */
function guarded<A extends unknown[], R>(operation: string, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (error) {
      throw error instanceof StoreError ? error : new StoreError(operation, error);
    }
  };
}

/**
 * The store as the BFF uses it: every failure (its lock's release too) a {@link StoreError}, so
 * the routes answer 503 for any store's outage, not 500 or a misleading 502.
 */
export function guardStore(store: SessionStore): SessionStore {
  const methods: Method[] = ['get', 'set', 'touch', 'delete', 'addToIndex', 'indexMembers', 'removeFromIndex'];
  const wrapped = Object.fromEntries(methods.map((name) => [name, guarded(name, (store[name] as (...args: unknown[]) => Promise<unknown>).bind(store))]));
  const lock = guarded('lock', store.lock.bind(store));
  return {
    ...(wrapped as Pick<SessionStore, Method>),
    async lock(key, ttlMs) {
      const release = await lock(key, ttlMs);
      return release && guarded('lock release', release);
    },
    ...(store.close ? { close: guarded('close', store.close.bind(store)) } : {}),
  };
}
