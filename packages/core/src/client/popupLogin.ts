import type { AuthError } from '../errors.js';
import type { CallbackResult, PopupLoginOptions } from '../types.js';
import type { LoginRequest, LoginRequestOptions } from './login.js';
import type { ClientConfig } from './options.js';
import type { PendingLogins } from './pendingLogins.js';

/** What the popup login needs; values come in here (not imported) so this chunk shares no module with the entry. */
export interface PopupLoginDeps {
  AuthError: typeof AuthError;
  /** The mark of a popup login's `state` (popup.ts). */
  statePrefix: string;
  /** How long a pending login lives (`PENDING_TTL_MS`): the longest the opener waits for the popup. */
  pendingTtlMs: number;
  config: ClientConfig;
  pending: PendingLogins;
  prepare(opts: LoginRequestOptions): Promise<LoginRequest | undefined>;
  exchange(url: string): Promise<CallbackResult>;
}

/** How often the opener looks whether the popup was closed. */
export const POLL_MS = 500;
/**
 * How long a popup that reads as closed may still hand its response over. A redirect page (or
 * authorization server) with COOP `same-origin` severs the popup from the opener, and `closed`
 * then reads true while the page is still loading: its hand-off comes within this grace period.
 */
export const CLOSED_GRACE_MS = 3000;

/** The BroadcastChannel a popup's redirect page hands its response to the opener on. */
export const popupChannel = (prefix: string): string => `${prefix}:popup`; // as handOff() in popupHandoff.ts

/** Whether `href` is a response for `state` at the redirect URI. */
function isResponse(config: ClientConfig, href: unknown, state: string): href is string {
  let url: URL;
  try {
    url = new URL(href as string);
  } catch {
    return false;
  }
  const states = url.searchParams.getAll('state');
  return typeof href === 'string' && url.origin === config.redirect.origin && url.pathname === config.redirect.pathname && states.length === 1 && states[0] === state;
}

/**
 * Sends the popup to the authorization URL and waits for its redirect page to hand the response
 * over (popupHandoff.ts): resolves to the callback URL; rejects `login_cancelled` when the popup
 * is closed first (after {@link CLOSED_GRACE_MS}) or the pending login expires (its code could no
 * longer be exchanged). Channel and timers end either way.
 */
function awaitResponse({ config, AuthError, pendingTtlMs }: PopupLoginDeps, popup: Window, request: LoginRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const channel = new BroadcastChannel(popupChannel(config.prefix));
    let grace: ReturnType<typeof setTimeout> | undefined;
    const end = (): void => {
      channel.close();
      clearInterval(poll);
      clearTimeout(grace);
      clearTimeout(cap);
    };
    const cap = setTimeout(() => {
      end();
      reject(new AuthError('login_cancelled', 'the sign-in window timed out before signing in finished; sign in again'));
    }, request.pending.createdAt + pendingTtlMs - Date.now());
    channel.onmessage = ({ data }: MessageEvent) => {
      // Only the response to this login: another client's, a stale or a forged one is ignored.
      const url: unknown = (data as { url?: unknown } | null)?.url;
      if (!isResponse(config, url, request.pending.state)) return;
      end();
      resolve(url);
    };
    const poll = setInterval(() => {
      if (!popup.closed || grace) return;
      grace = setTimeout(() => {
        end();
        reject(new AuthError('login_cancelled', 'the sign-in window was closed before signing in finished; sign in again'));
      }, CLOSED_GRACE_MS);
    }, POLL_MS);
    try {
      popup.location.href = request.url;
    } catch (error) {
      end(); // the popup could not be sent on: no timer or channel may outlive the call
      reject(error);
    }
  });
}

/**
 * The popup login after `window.open` (null: blocked): prepares the request, stores the pending login (in
 * this, the opener's, storage), waits for the hand-off (at most as long as the pending login
 * lives) and exchanges the code once. Whatever fails before the exchange closes the popup and
 * leaves no pending login.
 */
export async function runPopupLogin(deps: PopupLoginDeps, popup: Window | null, opts: PopupLoginOptions): Promise<void> {
  const { AuthError, statePrefix } = deps;
  if (!popup) throw new AuthError('login_cancelled', 'the sign-in popup could not open (blocked? call loginWithPopup() from a click); sign in again');
  let state: string | undefined;
  let url: string;
  try {
    if (typeof BroadcastChannel !== 'function') throw new AuthError('invalid_config', 'loginWithPopup() needs BroadcastChannel, which this browser lacks; use login()');
    const request = await deps.prepare(opts.params ? { params: opts.params, statePrefix } : { statePrefix });
    if (!request) throw new AuthError('login_cancelled', 'a sign-out is under way; sign in again');
    state = request.pending.state;
    deps.pending.add(request.pending);
    url = await awaitResponse(deps, popup, request);
  } catch (error) {
    if (state) deps.pending.take(state);
    popup.close();
    throw error;
  }
  popup.close();
  await deps.exchange(url);
}
