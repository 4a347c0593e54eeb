import type { StorageLike } from '../types.js';
import type { ClientConfig } from './options.js';

/** The sessionStorage key that says this tab session tried a restore, or must not try one. */
export const restoreMarkerKey = (config: ClientConfig): string => `${config.prefix}:restore-tried`;

/**
 * After a sign-out: `restoreSession()` must not sign the person back in silently in this tab
 * session (the server's session may outlive a local or skipped server logout).
 */
export function forbidRestore(config: ClientConfig, storage: StorageLike | undefined): void {
  try {
    storage?.setItem(restoreMarkerKey(config), 'signed-out');
  } catch {
    // A storage that refuses keeps no marker; restoreSession() then tries nothing anyway.
  }
}
