import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { defined, noop } from '../objects.js';
import type { ServerMetadata } from '../protocol/discovery.js';
import { requestError } from '../protocol/http.js';
import { revoke } from '../protocol/revocation.js';
import type { LogoutOptions, LogoutUrlContext } from '../types.js';
import { normalizeReturnTo, parseSecureUrl } from '../url.js';
import type { AuthStateStore } from './authState.js';
import { webStorage } from '../storage.js';
import { keepLogoutWarning, takeLogoutWarning } from './logoutWarning.js';
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

/** The end-session URL of RP-Initiated Logout 1.0 §2, or none when the server has no endpoint. */
function endSessionUrl(ctx: LogoutUrlContext): string | undefined {
  if (!ctx.endSessionEndpoint) return undefined;
  const url = new URL(ctx.endSessionEndpoint);
  const params = { id_token_hint: ctx.idToken, client_id: ctx.clientId, post_logout_redirect_uri: ctx.postLogoutRedirectUri, state: ctx.state };
  for (const [key, value] of Object.entries(params)) if (value) url.searchParams.set(key, value);
  return url.href;
}

/** Where to go to end the server's session: the `logoutUrl` option's URL, else end-session's. */
function logoutUrlOf(meta: ServerMetadata, session: StoredSession, config: ClientConfig, opts: LogoutOptions): string | undefined {
  const ctx: LogoutUrlContext = defined({
    idToken: session.tokens.idToken,
    clientId: config.clientId,
    postLogoutRedirectUri: opts.returnTo ? new URL(normalizeReturnTo(opts.returnTo, config.origin), config.origin).href : config.postLogoutRedirectUri,
    endSessionEndpoint: meta.end_session_endpoint,
    state: opts.state,
  });
  if (!config.logoutUrl) return endSessionUrl(ctx);
  const url = config.logoutUrl(ctx);
  return url === undefined ? undefined : parseSecureUrl(url, 'the URL `logoutUrl` returned').href;
}

/** Revokes the refresh token (RFC 7009); returns where to end the server's session, and what failed. */
async function revokeAndLocate(deps: LogoutDeps, ended: StoredSession, opts: LogoutOptions): Promise<{ url?: string | undefined; warning?: AuthError }> {
  let meta: ServerMetadata;
  try {
    meta = await deps.metadata.get();
  } catch (cause) {
    return { warning: notRevoked(cause) };
  }
  let warning: AuthError | undefined;
  const { refreshToken } = ended.tokens;
  if (refreshToken && meta.revocation_endpoint) {
    await revoke(meta, deps.config.client, oauth.None(), refreshToken, 'refresh_token', deps.config.ctx).catch((cause: unknown) => {
      warning = notRevoked(cause);
    });
  }
  try {
    return { url: logoutUrlOf(meta, ended, deps.config, opts), ...(warning ? { warning } : {}) };
  } catch (cause) {
    // A `logoutUrl` that throws or returns an unusable URL: signed out here, and said so.
    return { warning: cause instanceof AuthError ? cause : new AuthError('invalid_config', `\`logoutUrl\` failed: ${String(cause)}`, { cause }) };
  }
}

/**
 * After a sign-out, `restoreSession()` must not sign the person back in silently in this tab
 * session (the server's session may outlive a local or skipped server logout).
 */
function forbidRestore(config: ClientConfig): void {
  try {
    webStorage('sessionStorage')?.setItem(config.restoreMarker, 'signed-out');
  } catch {
    // A storage that refuses keeps no marker; restoreSession() then tries nothing anyway.
  }
}

export function createLogout(deps: LogoutDeps): Logout {
  const { config, session, state } = deps;
  let departures = 0;
  let onItsWay: Promise<unknown> | undefined;
  const leftBehind = takeLogoutWarning(config);
  if (leftBehind) state.setError(leftBehind);

  /** Navigates to the server's logout, keeping what went wrong for the page after; true when it did. */
  async function endServerSession(ended: StoredSession, opts: LogoutOptions): Promise<boolean> {
    const { url, warning } = await revokeAndLocate(deps, ended, opts);
    if (warning) state.setError(warning);
    if (!url) return false;
    // The page is about to leave: the warning must still be there when the person is back.
    if (warning) keepLogoutWarning(config, warning);
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
    forbidRestore(config);
    // Signed out: the key its tokens were bound to is being deleted; let that finish before leaving.
    await deps.dpopKeys?.settled();
    if (opts.localOnly || !ended) return;
    await endServerSession(ended, opts);
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
