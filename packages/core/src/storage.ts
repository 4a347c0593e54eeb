import { AuthError } from './errors.js';
import type { StorageLike } from './types.js';

/** A storage kept in memory: what `'memory'` uses, and the fallback where Web Storage is missing. */
export function createMemoryStorage(): StorageLike {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, String(value)),
    removeItem: (key) => void map.delete(key),
  };
}

/** `sessionStorage` or `localStorage` where it can be used, else undefined. */
export function webStorage(name: 'sessionStorage' | 'localStorage'): StorageLike | undefined {
  try {
    // Reading the property throws in sandboxed iframes and with storage disabled.
    const storage = (globalThis as Record<string, unknown>)[name] as StorageLike | undefined;
    if (typeof storage?.getItem === 'function') return storage;
  } catch {
    // Not available here (server, worker, privacy settings): callers fall back to memory.
  }
  return undefined;
}

/**
 * Resolves the `storage` option to where the session lives, where pending logins live
 * (sessionStorage, or memory where there is none; never localStorage) and whether the session is
 * shared by every tab of the origin (`'local'`). A tuple, so callers keep the parts as locals.
 *
 * @throws AuthError `invalid_config` for an unknown name or an object without the Storage methods.
 */
export function resolveStorage(option: unknown): [session: StorageLike, pending: StorageLike, shared: boolean] {
  const pending = webStorage('sessionStorage') ?? createMemoryStorage();
  if (option === undefined || option === 'session') return [pending, pending, false];
  if (option === 'memory') return [createMemoryStorage(), pending, false];
  if (option === 'local') {
    const local = webStorage('localStorage');
    return [local ?? createMemoryStorage(), pending, !!local];
  }
  if (['getItem', 'setItem', 'removeItem'].every((method) => typeof (option as Record<string, unknown> | null)?.[method] === 'function')) {
    return [option as StorageLike, pending, false];
  }
  throw new AuthError('invalid_config', "`storage` must be 'session', 'local', 'memory' or a Storage-like object");
}

/** Reads and JSON-parses a key; unreadable or corrupt entries are removed and read as absent. */
export function readJson(storage: StorageLike, key: string): unknown {
  let raw: string | null = null;
  try {
    raw = storage.getItem(key);
    return raw === null ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    if (raw !== null) safeRemove(storage, key);
    return undefined;
  }
}

/** Removes a key, ignoring a storage that refuses (the entry is then unreachable anyway). */
export function safeRemove(storage: StorageLike, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // A storage that throws on remove cannot be cleaned; nothing else can be done here.
  }
}

/**
 * Writes JSON to storage.
 *
 * @throws AuthError `invalid_config` when the storage refuses (quota, disabled).
 */
export function writeJson(storage: StorageLike, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch (cause) {
    throw new AuthError('invalid_config', `storage refused "${key}" (full or disabled?)`, { cause });
  }
}

/** A list kept as JSON under one key; an empty list removes the key. */
export interface StoredList<T> {
  /** The items that pass `isItem`; anything else read back is ignored. */
  read(): T[];
  write(items: T[]): void;
}

export function storedList<T>(storage: StorageLike, key: string, isItem: (item: unknown) => item is T): StoredList<T> {
  return {
    read() {
      const list = readJson(storage, key);
      return Array.isArray(list) ? list.filter(isItem) : [];
    },
    write(items) {
      if (items.length) writeJson(storage, key, items);
      else safeRemove(storage, key);
    },
  };
}
