import { storedList } from '../storage.js';
import type { StorageLike } from '../types.js';

/** How many spent refresh tokens are remembered. */
const REMEMBERED = 50;

/**
 * Refresh tokens already presented to the server by any tab of this origin, remembered by the
 * random `refreshId` each stored session gives its refresh token (never the token itself), in
 * localStorage. The browser copies sessionStorage into a duplicated tab (and into `window.open`ed
 * ones), so two tabs can hold one refresh token; with rotation, the second use would make the
 * server revoke the whole grant. A tab that finds its token's id here drops the token instead.
 * Read back, an entry can only make a tab give up its refresh token, never send one.
 */
export interface SpentRefreshTokens {
  /** Records `refreshId` as used; false when it already was (by another tab or an earlier page). */
  claim(refreshId: string): boolean;
  /** Forgets `refreshId`: the server did not spend its token (no answer, or it does not rotate). */
  release(refreshId: string): void;
}

export function createSpentRefreshTokens(storage: StorageLike, key: string): SpentRefreshTokens {
  const list = storedList(storage, key, (item): item is string => typeof item === 'string');
  return {
    claim(refreshId) {
      const spent = list.read();
      if (spent.includes(refreshId)) return false;
      list.write([...spent, refreshId].slice(-REMEMBERED));
      return true;
    },
    release: (refreshId) => list.write(list.read().filter((item) => item !== refreshId)),
  };
}
