import { AuthError } from '../errors.js';

/**
 * Where DPoP key pairs live: IndexedDB (so a reload keeps the key, and tabs sharing a session
 * share it), or memory with `storage: 'memory'`. The private key is non-extractable: it can sign
 * in this origin and never be read, not even by the page.
 */
export interface DpopKeyStore {
  get(id: string): Promise<CryptoKeyPair | undefined>;
  /** Stores a key; `pendingUntil` marks a login's key that is useless after that time. */
  put(id: string, keys: CryptoKeyPair, pendingUntil?: number): Promise<void>;
  delete(id: string): Promise<void>;
  /** Deletes the keys of logins that can no longer complete. */
  prune(now: number): Promise<void>;
}

interface KeyRecord {
  id: string;
  keys: CryptoKeyPair;
  pendingUntil?: number;
}

const record = (id: string, keys: CryptoKeyPair, pendingUntil: number | undefined): KeyRecord => (pendingUntil ? { id, keys, pendingUntil } : { id, keys });
const stale = (r: KeyRecord | undefined, now: number): boolean => typeof r?.pendingUntil === 'number' && r.pendingUntil < now;

const DATABASE = 'pkce-auth';
const STORE = 'dpop-keys';

/** A record read back is used only when it is what this module writes: a non-extractable ECDSA pair. */
function usable(record: unknown): CryptoKeyPair | undefined {
  const keys = (record as KeyRecord | undefined)?.keys;
  const { privateKey, publicKey } = keys ?? {};
  const ok = privateKey instanceof CryptoKey && publicKey instanceof CryptoKey && !privateKey.extractable && privateKey.algorithm.name === 'ECDSA';
  return ok ? keys : undefined;
}

function settled<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDatabase(): Promise<IDBDatabase> {
  const request = indexedDB.open(DATABASE, 1);
  request.onupgradeneeded = () => request.result.createObjectStore(STORE);
  return settled(request);
}

function failed(cause: unknown): never {
  throw new AuthError('invalid_config', `the DPoP key store (IndexedDB) failed: ${String(cause)}; is site data blocked?`, { cause });
}

/** The request's result once its transaction committed (a write is kept only then). */
function committed<T>(transaction: IDBTransaction, request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error ?? request.error);
    transaction.onabort = () => reject(transaction.error ?? new DOMException('the transaction was aborted', 'AbortError'));
  });
}

export function indexedDbKeys(): DpopKeyStore {
  let database: Promise<IDBDatabase> | undefined;
  const run = async <T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    try {
      const db = await (database ??= openDatabase());
      const transaction = db.transaction(STORE, mode);
      return await committed(transaction, use(transaction.objectStore(STORE)));
    } catch (cause) {
      database = undefined;
      return failed(cause);
    }
  };
  const store: DpopKeyStore = {
    get: async (id) => usable(await run('readonly', (s) => s.get(id))),
    put: async (id, keys, pendingUntil) => void (await run('readwrite', (s) => s.put(record(id, keys, pendingUntil), id))),
    delete: async (id) => void (await run('readwrite', (s) => s.delete(id))),
    async prune(now) {
      const records = (await run('readonly', (s) => s.getAll())) as KeyRecord[];
      for (const { id } of records.filter((r) => stale(r, now))) await store.delete(id);
    },
  };
  return store;
}

export function memoryKeys(): DpopKeyStore {
  const records = new Map<string, KeyRecord>();
  return {
    get: async (id) => usable(records.get(id)),
    put: async (id, keys, pendingUntil) => void records.set(id, record(id, keys, pendingUntil)),
    delete: async (id) => void records.delete(id),
    async prune(now) {
      for (const [id, r] of records) if (stale(r, now)) records.delete(id);
    },
  };
}
