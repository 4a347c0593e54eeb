/** The Notes example's registered clients. */
import type { ClientMetadata } from 'oidc-provider';
import { DEFAULT_MACHINE_SCOPES, DEFAULT_RESOURCE_SCOPES, DEFAULT_TAGS_SCOPES, OIDC_SCOPES, joinScopes, unique } from './scopes.js';

/** Default client ids and secrets of the Notes example. */
export const CLIENTS = {
  spa: { clientId: 'notes-spa' },
  /** Like `notes-spa`, but its authorization requests must be pushed first (PAR, RFC 9126). */
  spaPar: { clientId: 'notes-spa-par' },
  machine: { clientId: 'notes-machine', clientSecret: 'notes-machine-secret' },
  web: { clientId: 'notes-web', clientSecret: 'notes-web-secret' },
  /** The Notes app's Backend for Frontend (`@pkce-auth/bff`): confidential, on the app's own origins. */
  bff: { clientId: 'notes-bff', clientSecret: 'notes-bff-secret' },
} as const;

const DEFAULT_APP_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

/** Options of {@link defaultClients}; {@link DevServerOptions} has the same names and defaults. */
export interface DefaultClientsOptions {
  appOrigins?: readonly string[];
  webRedirectUris?: readonly string[];
  resourceScopes?: string;
  machineScopes?: string;
  tagsScopes?: string;
  /** Ids of more public clients like `notes-spa` (same redirect URIs, scopes and grants), one per app that wants its own id. */
  publicClientIds?: readonly string[];
}

/**
 * The Notes example's clients: `notes-spa` (public, PKCE, refresh tokens), `notes-spa-par` (the
 * same, but it must push its authorization requests, RFC 9126), `notes-machine` (confidential,
 * client credentials) and `notes-web` (confidential, authorization code). Each lists the scopes
 * it may ask for: the machine scopes (`notes:export`) belong to `notes-machine` alone, and the
 * others get `invalid_scope` for them; the tags scopes (`tags:read`) belong to the two SPAs and
 * `notes-bff` (confidential, authorization code and refresh tokens, redirect URI
 * `<origin>/bff/callback` per app origin, back-channel logout at the first origin's
 * `/bff/backchannel-logout`).
 */
export function defaultClients(opts: DefaultClientsOptions = {}): ClientMetadata[] {
  const origins = unique([...DEFAULT_APP_ORIGINS, ...(opts.appOrigins ?? [])].map(toOrigin));
  const webRedirectUris = [...(opts.webRedirectUris ?? ['http://127.0.0.1:5174/callback'])];
  const resourceScopes = opts.resourceScopes ?? DEFAULT_RESOURCE_SCOPES;
  const personScope = joinScopes(OIDC_SCOPES, resourceScopes).join(' ');
  const spaScope = joinScopes(OIDC_SCOPES, resourceScopes, opts.tagsScopes ?? DEFAULT_TAGS_SCOPES).join(' ');
  const machineScope = joinScopes(resourceScopes, opts.machineScopes ?? DEFAULT_MACHINE_SCOPES).join(' ');
  const spa = spaClient(origins, spaScope);
  const defaults = [spa, parSpaClient(spa), machineClient(machineScope), webClient(webRedirectUris, personScope), bffClient(origins, spaScope)];
  return [...defaults, ...publicClients(defaults, spa, opts.publicClientIds ?? [])];
}

/** More public clients: `notes-spa` under another id and name; an id already taken is refused. */
function publicClients(taken: ClientMetadata[], spa: ClientMetadata, ids: readonly string[]): ClientMetadata[] {
  const used = new Set(taken.map((c) => c.client_id));
  return ids.map((id) => {
    if (!/^[\w.~-]+$/.test(id)) throw new Error(`client id "${id}" must be letters, digits, "-", ".", "_" or "~"`);
    if (used.has(id)) throw new Error(`client id "${id}" is already registered; pick another name`);
    used.add(id);
    return { ...spa, client_id: id, client_name: id };
  });
}

/** `notes-spa`: public, PKCE, refresh tokens, a redirect URI per app origin. */
function spaClient(origins: string[], scope: string): ClientMetadata {
  return {
    client_id: CLIENTS.spa.clientId,
    client_name: 'Notes',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: origins.map((o) => `${o}/callback`),
    post_logout_redirect_uris: origins.map((o) => `${o}/`),
    scope,
  };
}

/** `notes-spa-par`: `notes-spa` that must push its authorization requests (RFC 9126). */
function parSpaClient(spa: ClientMetadata): ClientMetadata {
  return {
    ...spa,
    client_id: CLIENTS.spaPar.clientId,
    client_name: 'Notes (pushed authorization requests)',
    require_pushed_authorization_requests: true,
  };
}

/** `notes-machine`: confidential, client credentials only. */
function machineClient(scope: string): ClientMetadata {
  return {
    client_id: CLIENTS.machine.clientId,
    client_name: 'Notes nightly export',
    client_secret: CLIENTS.machine.clientSecret,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope,
  };
}

/** `notes-web`: confidential, authorization code and refresh tokens. */
function webClient(redirectUris: string[], scope: string): ClientMetadata {
  return {
    client_id: CLIENTS.web.clientId,
    client_name: 'Notes server-side app',
    client_secret: CLIENTS.web.clientSecret,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: redirectUris,
    post_logout_redirect_uris: unique(redirectUris.map((u) => `${new URL(u).origin}/`)),
    scope,
  };
}

/**
 * `notes-bff`: the app's BFF, a confidential client on the app's origins. The server tells it of
 * a logout with a logout token carrying `sid` (OIDC Back-Channel Logout 1.0), at the first
 * origin's `/bff/backchannel-logout`.
 */
function bffClient(origins: string[], scope: string): ClientMetadata {
  return {
    client_id: CLIENTS.bff.clientId,
    client_name: 'Notes (Backend for Frontend)',
    client_secret: CLIENTS.bff.clientSecret,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: origins.map((o) => `${o}/bff/callback`),
    post_logout_redirect_uris: origins.map((o) => `${o}/`),
    backchannel_logout_uri: `${origins[0]}/bff/backchannel-logout`,
    backchannel_logout_session_required: true,
    scope,
  };
}

/** The origin of an app URL (`http://localhost:5190/` → `http://localhost:5190`); anything but an http(s) URL is refused. */
export function toOrigin(value: string): string {
  const url = URL.parse(value.trim());
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`app origin "${value}" is not an http(s) origin such as http://localhost:5190`);
  }
  return url.origin;
}
