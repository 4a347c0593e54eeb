import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { noop } from '../objects.js';
import type { ServerMetadata } from '../protocol/discovery.js';
import { requestError } from '../protocol/http.js';
import { revoke } from '../protocol/revocation.js';
import type { LogoutOptions } from '../types.js';
import { normalizeReturnTo } from '../url.js';
import type { AuthStateStore } from './authState.js';
import type { ClientConfig } from './options.js';
import type { Refresher } from './refresher.js';
import type { MetadataSource } from './serverMetadata.js';
import type { Session } from './session.js';
import type { StoredSession } from './storedSession.js';

export interface LogoutDeps {
  config: ClientConfig;
  session: Session;
  state: AuthStateStore;
  refresher: Refresher;
  metadata: MetadataSource;
  /** The deletion of ended sessions' DPoP keys, waited for before leaving the page. */
  dpopKeys: { settled(): Promise<void> } | undefined;
}

/** Signing out, and what a login started meanwhile needs to know about it. */
export interface Logout {
  logout(options?: LogoutOptions): Promise<void>;
  /**
   * Whether the page is leaving for the end-session endpoint: a logout since `since` (a value of
   * {@link departures}) went there, or one on its way does once it settles.
   */
  leaving(since: number): Promise<boolean>;
  /** How many logouts have navigated to the end-session endpoint on this page. */
  departures(): number;
}

/** Signed out here either way; the message says that the server may still honour the refresh token. */
const notRevoked = (cause: unknown): AuthError => {
  const error = requestError(cause, 'revocation failed');
  return new AuthError(error.code, `signed out, but the server did not revoke the refresh token: ${error.message}`, {
    error: error.error,
    status: error.status,
    cause: error,
  });
};

function endSessionUrl(meta: ServerMetadata, session: StoredSession, config: ClientConfig, returnTo: string | undefined): string | undefined {
  if (!meta.end_session_endpoint) return undefined;
  const url = new URL(meta.end_session_endpoint);
  const postLogout = returnTo ? new URL(normalizeReturnTo(returnTo, config.origin), config.origin).href : config.postLogoutRedirectUri;
  const params = { id_token_hint: session.tokens.idToken, client_id: config.clientId, post_logout_redirect_uri: postLogout };
  for (const [key, value] of Object.entries(params)) if (value) url.searchParams.set(key, value);
  return url.href;
}

export function createLogout(deps: LogoutDeps): Logout {
  const { config, session, state } = deps;
  let departures = 0;
  let onItsWay: Promise<unknown> | undefined;

  /** Revokes the refresh token (RFC 7009), then navigates to the end-session endpoint; true when it did. */
  async function endServerSession(ended: StoredSession, returnTo: string | undefined): Promise<boolean> {
    let meta: ServerMetadata;
    try {
      meta = await deps.metadata.get();
    } catch (cause) {
      // Signed out here already; as with a failed revocation, say what the server did not hear.
      state.setError(notRevoked(cause));
      return false;
    }
    const { refreshToken } = ended.tokens;
    if (refreshToken && meta.revocation_endpoint) {
      await revoke(meta, config.client, oauth.None(), refreshToken, 'refresh_token', config.ctx).catch((cause: unknown) => state.setError(notRevoked(cause)));
    }
    const url = endSessionUrl(meta, ended, config, returnTo);
    if (!url) return false;
    config.navigate(url);
    departures++;
    return true;
  }

  async function signOut(opts: LogoutOptions): Promise<void> {
    // A refresh on its way may rotate the refresh token: wait, then revoke the newest one.
    const refreshing = deps.refresher.inFlight();
    if (refreshing) await refreshing.catch(noop);
    const ended = session.current() ?? session.read();
    session.end(null);
    // Signed out: the key its tokens were bound to is being deleted; let that finish before leaving.
    await deps.dpopKeys?.settled();
    if (opts.localOnly || !ended) return;
    await endServerSession(ended, opts.returnTo);
  }

  return {
    logout(opts = {}) {
      const run = signOut(opts);
      const settled = (onItsWay = run.catch(noop));
      void settled.then(() => {
        if (onItsWay === settled) onItsWay = undefined;
      });
      return run;
    },
    async leaving(since) {
      await onItsWay;
      return departures !== since;
    },
    departures: () => departures,
  };
}
