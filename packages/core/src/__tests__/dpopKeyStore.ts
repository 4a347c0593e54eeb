// Reads and changes the DPoP key store (fake-indexeddb in these tests) the way the client lays
// it out: database `pkce-auth`, object store `dpop-keys`, records `{ id, keys, pendingUntil? }`.

/** Runs one request on the key store and resolves with its result once its transaction commits. */
async function onKeyStore<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('pkce-auth', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('dpop-keys');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    const transaction = db.transaction('dpop-keys', mode);
    const request = use(transaction.objectStore('dpop-keys'));
    return await new Promise<T>((resolve, reject) => {
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

/** The key pair stored under `id`, if any. */
export const readKey = async (id: string): Promise<CryptoKeyPair | undefined> =>
  ((await onKeyStore('readonly', (store) => store.get(id))) as { keys: CryptoKeyPair } | undefined)?.keys;

export const deleteKey = (id: string): Promise<undefined> => onKeyStore('readwrite', (store) => store.delete(id));

/** The ids of every key of `clientId`. */
export const keyIds = async (clientId: string): Promise<string[]> =>
  (await onKeyStore('readonly', (store) => store.getAllKeys())).map(String).filter((id) => id.startsWith(`pkce-auth:${clientId}:`));

export async function clearKeys(clientId: string): Promise<void> {
  for (const id of await keyIds(clientId)) await deleteKey(id);
}
