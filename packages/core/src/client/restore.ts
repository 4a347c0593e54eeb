import type { StorageLike } from '../types.js';
import type { LoginRequestOptions } from './login.js';
import type { ClientConfig } from './options.js';
import type { Session } from './session.js';

export interface RestoreDeps {
  config: ClientConfig;
  session: Pick<Session, 'current'>;
  login(opts: LoginRequestOptions): Promise<void>;
  /** This tab's sessionStorage, when there is one (storage.ts's webStorage). */
  storage: StorageLike | undefined;
}

/**
 * `restoreSession()`: when there is no local session, one top-level `prompt=none` login back to
 * this page, at most once per tab session. The marker is written before leaving, so a server
 * that always answers `login_required` costs one round trip, never a loop. Without
 * a sessionStorage that takes the marker (it also holds the pending login) nothing is tried.
 * Resolves at once when nothing is tried; never once it has navigated.
 */
export async function restoreSession(deps: RestoreDeps): Promise<void> {
  const { storage } = deps;
  const key = deps.config.restoreMarker;
  if (deps.session.current() || !storage || storage.getItem(key) !== null) return;
  try {
    storage.setItem(key, String(Date.now()));
  } catch {
    // A storage that refuses (full, disabled) keeps no marker: trying would risk a loop.
    return;
  }
  // The login's own default returnTo: this page's path, query and hash.
  await deps.login({ params: { prompt: 'none' }, silent: true });
  // The page is leaving: an app that waits for this before rendering must not render (a guard
  // would start a second login over this one).
  return new Promise<never>(() => {});
}
