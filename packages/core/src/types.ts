import type { AuthError } from './errors.js';

/** Validated ID-token claims of the signed-in person. */
export type AuthUser = Record<string, unknown> & { sub: string };

/** The tokens the app may use. The refresh token is never part of the state. */
export interface AuthTokens {
  /** The access token, sent as `Authorization: Bearer …` (or `DPoP …` with `dpop`). */
  accessToken: string;
  /** `'DPoP'` when the token is bound to this browser's key (`dpop: true`), else `'Bearer'`. */
  tokenType: 'Bearer' | 'DPoP';
  /** When the access token expires, in epoch milliseconds (comparable with `Date.now()`). */
  expiresAt?: number;
  /** The scope granted, space separated, when the server said. */
  scope?: string;
  /** The raw ID token (for `id_token_hint`), when one was issued. */
  idToken?: string;
}

/** An immutable snapshot of the session; the same object until something changes. */
export interface AuthState {
  status: 'loading' | 'authenticated' | 'unauthenticated' | 'error';
  user: AuthUser | null;
  tokens: AuthTokens | null;
  error: AuthError | null;
}

/** Something with the shape of the Web Storage API. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Explicit endpoints, used instead of (or over) discovery. */
export interface AuthEndpoints {
  authorization: string;
  token: string;
  revocation?: string;
  endSession?: string;
  userinfo?: string;
}

/** An API the access token may be sent to by {@link AuthClient.fetch}. */
export interface ApiOptions {
  /**
   * Where the API lives: an absolute URL (https, or http on loopback). A request matches when it
   * has the same origin and its path is this path or below it at a `/` boundary
   * (`https://api.example.com/notes` covers `/notes` and `/notes/5`, not `/notesx`).
   */
  url: string;
  /**
   * The API's resource indicator (RFC 8707): its requests get a token for this resource, obtained
   * with the refresh token. Default: the session's access token.
   */
  resource?: string;
  /** The scopes its token carries (space separated), when narrower than the session's. */
  scope?: string;
}

/** Which access token {@link AuthClient.getAccessToken} returns: default, the session's own. */
export interface TokenOptions {
  /** A resource indicator (RFC 8707): a token whose audience is this API. */
  resource?: string;
  /** Space-separated scopes for this token. */
  scope?: string;
}

/** Options of {@link createAuthClient}. */
export interface AuthClientOptions {
  /** The client id registered at the authorization server. */
  clientId: string;
  /** The absolute URL the server redirects back to; must be registered exactly. */
  redirectUri: string;
  /** The issuer; metadata is discovered at `<issuer>/.well-known/openid-configuration`. */
  issuer?: string;
  /** Endpoints used instead of discovery, or over the discovered ones. */
  endpoints?: AuthEndpoints;
  /** Space-separated scopes. Default `'openid'`. */
  scope?: string;
  /** Extra parameters for every authorization request (e.g. `audience`, `resource`, `prompt`). */
  authorizeParams?: Record<string, string>;
  /** Where the end-session endpoint sends the person after logout; sent only when set. */
  postLogoutRedirectUri?: string;
  /** Where the session lives. Default `'session'` (this tab only). `'local'` shares it across tabs. */
  storage?: 'session' | 'local' | 'memory' | StorageLike;
  /** Refresh when less than `min(refreshLeewaySeconds, lifetime / 2)` remains. Default 60. */
  refreshLeewaySeconds?: number;
  /** Refresh in the background before expiry. Default `true`. */
  autoRefresh?: boolean;
  /** The `fetch` used for every request to the authorization server. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Navigation adapter, default `location.assign`. Useful in tests and non-browser hosts. */
  navigate?: (url: string) => void;
  /**
   * Where {@link AuthClient.fetch} may send the access token. Default: the app's own origin only.
   * A request to any other URL rejects with `invalid_config` and is not sent.
   */
  apis?: ApiOptions[];
  /**
   * The ID token's signing algorithm (e.g. `'ES256'`). Default: any algorithm the metadata lists
   * in `id_token_signing_alg_values_supported`, else `'RS256'`.
   */
  idTokenSigningAlg?: string;
  /**
   * Binds tokens to a non-extractable key of this browser (DPoP, RFC 9449): a stolen token is
   * useless elsewhere. Needs WebCrypto and IndexedDB (else `invalid_config`). Default `false`.
   */
  dpop?: boolean;
  /**
   * Pushed authorization requests (RFC 9126): `'auto'` pushes when the server's metadata requires
   * it, `true` always (`invalid_config` when the server has no PAR endpoint), `false` never.
   * Default `'auto'`.
   */
  par?: boolean | 'auto';
  /**
   * Builds the URL `logout()` navigates to, for servers whose logout is not RP-Initiated Logout
   * (Cognito's `/logout?client_id&logout_uri`, Auth0's `/v2/logout`); `undefined` skips the
   * server logout. Default: the metadata's `end_session_endpoint` with `id_token_hint`,
   * `client_id`, `post_logout_redirect_uri` and `state`. Set by the provider presets.
   */
  logoutUrl?: (ctx: LogoutUrlContext) => string | undefined;
  /**
   * For multi-tenant servers whose metadata names the issuer as a template, as Microsoft Entra ID
   * does at `/common` and `/organizations` (`https://login.microsoftonline.com/{tenantid}/v2.0`):
   * the discovered `issuer` must equal this template, and each ID token's `iss` must equal it
   * with `{tenantid}` replaced by that token's own `tid` claim. Set by the `entra()` preset.
   */
  issuerTemplate?: string;
  /**
   * Set by presets of servers a browser cannot sign in at (Google: its token endpoint requires a
   * client secret): {@link createAuthClient} throws `invalid_config` with this reason.
   */
  browserUnsupported?: string;
}

/** What {@link AuthClientOptions.logoutUrl} gets to build the logout URL. */
export interface LogoutUrlContext {
  /** The session's ID token, for `id_token_hint`. */
  idToken?: string;
  clientId: string;
  /** Where to come back to: `logout({ returnTo })` made absolute, else `postLogoutRedirectUri`. */
  postLogoutRedirectUri?: string;
  /** The discovered `end_session_endpoint`, when there is one. */
  endSessionEndpoint?: string;
  /** `logout({ state })`, to be echoed back to the post-logout page. */
  state?: string;
}

/** Options of {@link AuthClient.login}. */
export interface LoginOptions {
  /** Where to land after the callback: a same-origin path. Default: the current path+search+hash. */
  returnTo?: string;
  /** Extra authorization-request parameters for this login only. */
  params?: Record<string, string>;
}

/** Options of {@link AuthClient.loginWithPopup}. */
export interface PopupLoginOptions {
  /** Extra authorization-request parameters for this login only. */
  params?: Record<string, string>;
  /** The popup's size in CSS pixels. Default 500 × 600. */
  popupSize?: { width: number; height: number };
}

/** What {@link AuthClient.handleCallback} resolves to. */
export interface CallbackResult {
  /** Where to go now: the same-origin path the login started from. */
  returnTo: string;
  /**
   * Set when this page is a {@link AuthClient.loginWithPopup} popup: the response was handed to
   * the opener (which exchanges the code) and the page is closing itself. Render "you can close
   * this window"; do not navigate.
   */
  popup?: true;
}

/** Options of {@link AuthClient.logout}. */
export interface LogoutOptions {
  /** Overrides `postLogoutRedirectUri` for this call. */
  returnTo?: string;
  /** Clear the local session only: no revocation, no end-session redirect. */
  localOnly?: boolean;
  /**
   * A value the server echoes back to the post-logout page as `?state=` (RP-Initiated Logout 1.0
   * §2; some servers redirect back only when it is there). Sent only when given.
   */
  state?: string;
}

/** The session client made by {@link createAuthClient}. */
export interface AuthClient {
  /** The current immutable snapshot. */
  getState(): AuthState;
  /** Called after every state change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Starts a login: stores a pending login and navigates to the authorization endpoint. Concurrent calls share one. */
  login(options?: LoginOptions): Promise<void>;
  /**
   * Signs in in a popup, keeping this page and its state. Call it from a click: the popup is
   * opened before anything is awaited. Resolves when the state is `authenticated`; rejects
   * `login_cancelled` when the popup is blocked, closed before the response, or still open when
   * the pending login expires (10 minutes; no pending login is left). A failed code exchange
   * rejects with its AuthError; a session this page already had stays, with `error` set.
   * Concurrent calls share one popup, and a second call brings it to the front. The redirect page hands the response over on a
   * BroadcastChannel, so COOP `same-origin-allow-popups` on the app works; a popup that reads as
   * closed (e.g. COOP `same-origin` on the redirect page severs it) has 3 s to hand over before
   * the call rejects, so do not set COOP `same-origin` on the authorization server's pages.
   */
  loginWithPopup(options?: PopupLoginOptions): Promise<void>;
  /**
   * Picks up a single sign-on session at the server without a login screen: one top-level
   * `prompt=none` redirect, at most once per tab session, back to this page. Resolves at once
   * when there is a local session or it was tried already in this tab session; otherwise it
   * navigates (and never resolves). Back on the callback, `login_required` and the like end as
   * `unauthenticated` without an error.
   */
  restoreSession(): Promise<void>;
  /** Completes a login from the redirect URI (default `location.href`). */
  handleCallback(url?: string): Promise<CallbackResult>;
  /**
   * A valid access token, refreshed when due; with `resource`/`scope`, that API's token (from the
   * refresh token, cached per resource). Rejects `login_required` without a session.
   */
  getAccessToken(options?: TokenOptions): Promise<string>;
  /**
   * The headers that authorize a request to `url` (under `apis`) for another HTTP client:
   * `Authorization: Bearer …`, or `Authorization: DPoP …` and a `DPoP` proof.
   */
  getAuthHeaders(request: { url: string | URL; method?: string }): Promise<Record<string, string>>;
  /** Forces a refresh; `invalid_grant` ends the session. */
  refresh(): Promise<void>;
  /** Ends the session locally, revokes the refresh token and navigates to end-session. */
  logout(options?: LogoutOptions): Promise<void>;
  /**
   * `fetch` with the token of the matching API for URLs under `apis` (default: the app's origin),
   * as Bearer or with a DPoP proof; on 401 refreshes once per access token and retries when the
   * body can be replayed.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Stops timers and listeners. */
  destroy(): void;
}
