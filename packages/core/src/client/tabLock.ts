import { readJson, safeRemove, writeJson } from '../storage.js';
import type { StorageLike } from '../types.js';

/** How long a storage lease (the fallback for Web Locks) is held at most. */
const LEASE_MS = 10_000;

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** Runs `fn` while holding the origin-wide lock `name`: one tab at a time. */
export type WithLock = <T>(fn: () => Promise<T>) => Promise<T>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A lease in localStorage with an expiry, for browsers without Web Locks: a holder that died is
 * ignored after LEASE_MS, and the wait is bounded the same way.
 */
function leaseLock(storage: StorageLike, key: string): WithLock {
  const tabId = Math.random().toString(36).slice(2);
  const holder = (): unknown => (readJson(storage, key) as { id?: unknown } | undefined)?.id;
  const acquire = async (): Promise<void> => {
    for (let i = 0; i < (2 * LEASE_MS) / 100; i++) {
      const lease = readJson(storage, key) as { id?: unknown; until?: unknown } | undefined;
      if (!lease || !(typeof lease.until === 'number' && lease.until >= Date.now()) || lease.id === tabId) {
        writeJson(storage, key, { id: tabId, until: Date.now() + LEASE_MS });
        await sleep(30);
        if (holder() === tabId) return;
      }
      await sleep(100);
    }
  };
  return async (fn) => {
    await acquire();
    try {
      return await fn();
    } finally {
      if (holder() === tabId) safeRemove(storage, key);
    }
  };
}

/**
 * The lock around refreshes. Web Locks wherever the browser has them, for every storage kind:
 * duplicated tabs hold copies of one session even in sessionStorage. Without Web Locks, a lease
 * in `leaseStorage` (localStorage) when tabs share the session, else no lock.
 */
export function createTabLock(name: string, leaseStorage: StorageLike | undefined): WithLock {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  if (typeof locks?.request === 'function') return (fn) => locks.request(name, fn);
  if (leaseStorage) return leaseLock(leaseStorage, `${name}-lease`);
  return (fn) => fn();
}
