import { AuthError } from '../errors.js';
import type { PopupLoginOptions } from '../types.js';
import { PENDING_TTL_MS } from './pendingLogins.js';
import type { PopupLoginDeps } from './popupLogin.js';

/**
 * The mark of a popup login's `state` (followed by the usual 32 random bytes): the redirect page
 * knows from the URL alone, without storage, that its response belongs to the opener.
 */
export const POPUP_STATE = 'popup.';

/**
 * Creates `loginWithPopup()`. The popup is opened at once, before anything is awaited (browsers
 * allow `window.open` only within the click), on `about:blank`; the rest of the flow, a blocked
 * popup's rejection included, loads lazily (popupLogin.ts). Concurrent calls share one popup and
 * bring it forward. The lazy module imports types only, everything else comes in `deps`, so that
 * it shares no module with the entry (shared modules would split the entry into more files).
 */
export function createPopupLogin(deps: Omit<PopupLoginDeps, 'AuthError' | 'statePrefix' | 'pendingTtlMs'>): (options?: PopupLoginOptions) => Promise<void> {
  let inFlight: Promise<void> | undefined;
  let popup: Window | null;
  return (opts = {}) => {
    if (inFlight) {
      // Another click while the popup is open, perhaps behind this window: bring it forward.
      popup?.focus();
      return inFlight;
    }
    const { width = 500, height = 600 } = opts.popupSize ?? {};
    popup = typeof window === 'undefined' ? null : window.open('', '_blank', `popup,width=${width},height=${height}`);
    return (inFlight = import('./popupLogin.js')
      .then((m) => m.runPopupLogin({ ...deps, AuthError, statePrefix: POPUP_STATE, pendingTtlMs: PENDING_TTL_MS }, popup, opts))
      .finally(() => {
        inFlight = undefined;
      }));
  };
}
