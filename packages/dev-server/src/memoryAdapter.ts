/** oidc-provider's storage: in memory, one store per server. */
import type { Adapter, AdapterPayload } from 'oidc-provider';

type Store = Map<string, { payload: AdapterPayload; expiresAt: number | undefined }>;

/** The `adapter` option of one server: every model's adapter shares that server's store. */
export function memoryAdapters(): (name: string) => Adapter {
  const store: Store = new Map();
  const grantIndex = new Map<string, Set<string>>();
  return (name) => memoryAdapter(name, store, grantIndex);
}

/** An in-memory adapter per server (oidc-provider's own one is shared and announces itself). */
function memoryAdapter(name: string, store: Store, grantIndex: Map<string, Set<string>>): Adapter {
  const key = (id: string) => `${name}:${id}`;
  const read = (k: string): AdapterPayload | undefined => readLive(store, k);
  return {
    async upsert(id, payload, expiresIn) {
      const k = key(id);
      store.set(k, {
        payload: structuredClone(payload),
        expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
      });
      if (payload.grantId) {
        const keys = grantIndex.get(payload.grantId) ?? new Set<string>();
        keys.add(k);
        grantIndex.set(payload.grantId, keys);
      }
      if (payload.uid) store.set(`${name}:uid:${payload.uid}`, { payload: { id } as AdapterPayload, expiresAt: undefined });
      if (payload.userCode) store.set(`${name}:userCode:${payload.userCode}`, { payload: { id } as AdapterPayload, expiresAt: undefined });
    },
    async find(id) {
      return read(key(id));
    },
    async findByUid(uid) {
      const ref = store.get(`${name}:uid:${uid}`)?.payload as { id?: string } | undefined;
      return ref?.id ? read(key(ref.id)) : undefined;
    },
    async findByUserCode(userCode) {
      const ref = store.get(`${name}:userCode:${userCode}`)?.payload as { id?: string } | undefined;
      return ref?.id ? read(key(ref.id)) : undefined;
    },
    async consume(id) {
      const entry = store.get(key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      store.delete(key(id));
    },
    async revokeByGrantId(grantId) {
      for (const k of grantIndex.get(grantId) ?? []) store.delete(k);
      grantIndex.delete(grantId);
    },
  };
}

/** A copy of the stored payload, or `undefined` once it has expired (and then it is dropped). */
function readLive(store: Store, k: string): AdapterPayload | undefined {
  const entry = store.get(k);
  if (!entry) return undefined;
  if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
    store.delete(k);
    return undefined;
  }
  return structuredClone(entry.payload);
}
