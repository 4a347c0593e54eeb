import { randomUUID } from 'node:crypto';
import type { SessionStore } from '../store.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The most entries (values and indexes together) it keeps; past it, expired entries are swept
   * and then those expiring soonest dropped. Default 10 000.
   */
  maxEntries?: number;
}

interface Entry {
  value: string | Map<string, number>;
  expiresAt: number;
}

/** A bounded map of expiring entries: the values and indexes of {@link memoryStore}. */
function expiringEntries(maxEntries: number) {
  const entries = new Map<string, Entry>();
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) entries.delete(key);
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  };
  return {
    live,
    put(key: string, entry: Entry): void {
      entries.delete(key);
      if (entries.size >= maxEntries) makeRoom(entries, maxEntries);
      entries.set(key, entry);
    },
    delete: (key: string) => entries.delete(key),
    /** The live members (with their expiry) of the index `key`. */
    members(key: string): Map<string, number> {
      const value = live(key)?.value;
      const now = Date.now();
      return new Map(value instanceof Map ? [...value].filter(([, expiresAt]) => expiresAt > now) : []);
    },
  };
}

/** Locks with an expiry, released only by their holder. */
function expiringLocks(): SessionStore['lock'] {
  const locks = new Map<string, { token: string; expiresAt: number }>();
  return async (key, ttlMs) => {
    const held = locks.get(key);
    if (held && held.expiresAt > Date.now()) return undefined;
    const token = randomUUID();
    locks.set(key, { token, expiresAt: Date.now() + ttlMs });
    return async () => {
      if (locks.get(key)?.token === token) locks.delete(key);
    };
  };
}

/**
 * A {@link SessionStore} in this process's memory: bounded, every entry expiring by its TTL.
 * The default of `createBff`; for several instances use a shared store (Redis).
 */
export function memoryStore(options: MemoryStoreOptions = {}): SessionStore {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('memoryStore `maxEntries` must be a positive integer');
  const entries = expiringEntries(maxEntries);
  return {
    async get(key) {
      const entry = entries.live(key);
      return typeof entry?.value === 'string' ? { value: entry.value, ttlMs: entry.expiresAt - Date.now() } : undefined;
    },
    async set(key, value, ttlMs, condition) {
      const exists = entries.live(key) !== undefined;
      if ((condition === 'absent' && exists) || (condition === 'present' && !exists)) return false;
      entries.put(key, { value, expiresAt: Date.now() + ttlMs });
      return true;
    },
    async touch(key, ttlMs) {
      const entry = entries.live(key);
      if (entry) entries.put(key, { value: entry.value, expiresAt: Date.now() + ttlMs });
      return entry !== undefined;
    },
    async delete(key) {
      entries.delete(key);
    },
    async addToIndex(index, member, ttlMs) {
      const set = entries.members(index);
      set.set(member, Date.now() + ttlMs);
      entries.put(index, { value: set, expiresAt: Math.max(...set.values()) });
    },
    async indexMembers(index) {
      return [...entries.members(index).keys()];
    },
    async removeFromIndex(index, member) {
      const entry = entries.live(index);
      if (!(entry?.value instanceof Map)) return;
      entry.value.delete(member);
      if (entry.value.size === 0) entries.delete(index);
    },
    lock: expiringLocks(),
  };
}

/**
 * Sweeps expired entries; if it is still full, drops the tenth of the entries that would expire
 * soonest. Soonest, not oldest: a flood of short-lived one-time values (a callback's spent `state`
 * lives 10 minutes) then goes before the sessions people are using, which their activity extends.
 */
function makeRoom(entries: Map<string, Entry>, maxEntries: number): void {
  const now = Date.now();
  for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  if (entries.size < maxEntries) return;
  const soonest = [...entries].sort(([, a], [, b]) => a.expiresAt - b.expiresAt);
  for (const [key] of soonest.slice(0, Math.ceil(maxEntries / 10))) entries.delete(key);
}
