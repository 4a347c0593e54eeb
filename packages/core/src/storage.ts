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

function webStorage(name: 'sessionStorage' | 'localStorage'): StorageLike | undefined {
  try {
    // Reading the property throws in sandboxed iframes and with storage disabled.
    const storage = (globalThis as Record<string, unknown>)[name] as StorageLike | undefined;
    if (storage && typeof storage.getItem === 'function') return storage;
  } catch {
    // Not available here (server, worker, privacy settings): callers fall back to memory.
  }
  return undefined;
}

/** The resolved places the client keeps things. */
export interface ResolvedStorage {
  /** Where the session (tokens, user) lives. */
  session: StorageLike;
  /** Where pending logins live: sessionStorage, or memory where there is none. Never localStorage. */
  pending: StorageLike;
  /** Whether the session is shared by every tab of the origin (`'local'`). */
  shared: boolean;
}

/**
 * Resolves the `storage` option.
 *
 * @throws AuthError `invalid_config` for an unknown name or an object without the Storage methods.
 */
export function resolveStorage(option: unknown): ResolvedStorage {
  const pending = webStorage('sessionStorage') ?? createMemoryStorage();
  switch (option) {
    case undefined:
    case 'session':
      return { session: pending, pending, shared: false };
    case 'local': {
      const local = webStorage('localStorage');
      return local ? { session: local, pending, shared: true } : { session: createMemoryStorage(), pending, shared: false };
    }
    case 'memory':
      return { session: createMemoryStorage(), pending, shared: false };
    default: {
      const candidate = option as Partial<StorageLike> | null;
      if (
        candidate !== null &&
        typeof candidate === 'object' &&
        typeof candidate.getItem === 'function' &&
        typeof candidate.setItem === 'function' &&
        typeof candidate.removeItem === 'function'
      ) {
        return { session: candidate as StorageLike, pending, shared: false };
      }
      throw new AuthError(
        'invalid_config',
        `storage must be 'session', 'local', 'memory' or an object with getItem, setItem and removeItem; got ${JSON.stringify(option)}`,
      );
    }
  }
}

/** Reads and JSON-parses a key; unreadable or corrupt entries are removed and read as absent. */
export function readJson(storage: StorageLike, key: string): unknown {
  let raw: string | null;
  try {
    raw = storage.getItem(key);
  } catch {
    return undefined;
  }
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    safeRemove(storage, key);
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
    throw new AuthError('invalid_config', `the configured storage refused to save "${key}" (full or disabled)`, { cause });
  }
}
