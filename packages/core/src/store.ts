/** A minimal observable store: immutable snapshots that change identity only on change. */
export interface Store<T extends object> {
  getState(): T;
  setState(patch: Partial<T>): void;
  subscribe(listener: () => void): () => void;
  clear(): void;
}

/** Creates a {@link Store}; `setState` is a no-op when no field changes (compared with Object.is). */
export function createStore<T extends object>(initial: T): Store<T> {
  let state = Object.freeze({ ...initial });
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    setState(patch) {
      const keys = Object.keys(patch) as (keyof T)[];
      if (keys.every((key) => Object.is(state[key], patch[key]))) return;
      state = Object.freeze({ ...state, ...patch });
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    clear: () => listeners.clear(),
  };
}
