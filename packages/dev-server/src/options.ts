/** The options of `startDevServer`, their development defaults, and resolving them. */
import type { ClientMetadata } from 'oidc-provider';
import { DEFAULT_ACCOUNTS } from './accounts.js';
import { profileNamed } from './profiles/index.js';
import type { ProfileName } from './profiles/index.js';
import type { DevAccount } from './accounts.js';
import { defaultClients, toOrigin } from './clients.js';
import { DEFAULT_MACHINE_SCOPES, DEFAULT_RESOURCE_SCOPES, DEFAULT_TAGS_SCOPES, joinScopes } from './scopes.js';

/** The default resource indicator and JWT `aud`: the Notes API of the example. */
export const DEFAULT_RESOURCE = 'http://localhost:4001';

/** The default resource indicator and JWT `aud` of the second API: a tags API, scope `tags:read`. */
export const DEFAULT_TAGS_RESOURCE = 'http://localhost:4002';

/** The default port. */
export const DEFAULT_PORT = 4000;

/** Options of {@link startDevServer}; every one has a development default. */
export interface DevServerOptions {
  /** TCP port; `0` picks a free one. Default `4000`. */
  port?: number;
  /** Interface to bind. Default `'127.0.0.1'` (loopback only). */
  host?: string;
  /** Issuer identifier. Default `http://<host>:<actual port>`. Must be the URL the browser uses, because the session cookies live on its host. With a `profile`, this is the origin and the profile's issuer path is appended (`/realms/dev`, …). */
  issuer?: string;
  /** Clients to register instead of {@link defaultClients}. */
  clients?: ClientMetadata[];
  /** Extra app origins (e.g. `http://127.0.0.1:53123`): each adds `<origin>/callback` as a redirect URI and `<origin>/` as a post-logout redirect URI of `notes-spa`, and is allowed by CORS. Default `[]`. */
  appOrigins?: string[];
  /** Ids of more public clients, each registered like `notes-spa` (its redirect URIs, including every `appOrigins` entry, its scopes and grants) under its own id, for an app of one's own. Default `[]`. */
  publicClientIds?: string[];
  /** Redirect URIs of the confidential `notes-web` client. Default `['http://127.0.0.1:5174/callback']`. */
  webRedirectUris?: string[];
  /** Accounts that can sign in, instead of {@link DEFAULT_ACCOUNTS}. */
  accounts?: DevAccount[];
  /** Access token lifetime in seconds (authorization code and client credentials). Default `300`. */
  accessTokenTtl?: number;
  /** Refresh token lifetime in seconds. Default `1209600` (14 days); a rotated refresh token of a public client keeps its predecessor's remaining lifetime. */
  refreshTokenTtl?: number;
  /** Resource indicator (RFC 8707) of the API that receives JWT access tokens; it is also their `aud`. Default {@link DEFAULT_RESOURCE}. */
  resource?: string;
  /** Scopes of that API that people grant to apps (`notes-spa`, `notes-web`). Default `'notes:read notes:write'`. */
  resourceScopes?: string;
  /** Scopes of that API for the machine client `notes-machine` only (Client Credentials), never for the person-facing clients. Default `'notes:export'`. */
  machineScopes?: string;
  /** Resource indicator and JWT `aud` of the second example API (tags), for apps that call two APIs with a token each. Default {@link DEFAULT_TAGS_RESOURCE}. */
  tagsResource?: string;
  /** Scopes of the tags API that people grant to `notes-spa` and `notes-spa-par`. Default `'tags:read'`. */
  tagsScopes?: string;
  /** DPoP (RFC 9449): a proof without the server's nonce gets `use_dpop_nonce` and a `DPoP-Nonce` header to retry with. `false` accepts proofs without a nonce. Requests without a DPoP header stay Bearer either way. Default `true`. */
  dpopNonce?: boolean;
  /** Hide oidc-provider's development-mode console notices. Default `true`. */
  quiet?: boolean;
  /**
   * Behave as that provider does on the points that matter to a client (discovery and endpoint
   * locations, logout endpoint and parameters, revocation, RFC 9207 `iss`, refresh-token rotation,
   * access-token `aud`, issuer template): see `src/profiles/`. Default: none (the dev server's own behaviour).
   */
  profile?: ProfileName;
  /** The port of the second origin of a profile that has one (Cognito's hosted-UI domain). Default `0` (a free port). */
  endpointsPort?: number;
}

/** {@link DevServerOptions} with every default filled in. */
export interface ResolvedOptions {
  port: number;
  host: string;
  /** As given; {@link issuerUrl} defaults it once the port is known. */
  issuer: string | undefined;
  quiet: boolean;
  accounts: DevAccount[];
  clients: ClientMetadata[];
  /** Extra app origins, allowed by CORS. */
  appOrigins: string[];
  resource: string;
  /** The notes API's scopes: the person-facing ones and the machine ones. */
  apiScopes: string[];
  tagsResource: string;
  tagsScopes: string[];
  dpopNonce: boolean;
  profile: ProfileName | undefined;
  endpointsPort: number;
  accessTokenTtl: number;
  refreshTokenTtl: number;
}

/** Fills in the defaults; throws when the two APIs share a resource indicator. */
export function resolveOptions(options: DevServerOptions): ResolvedOptions {
  const resource = options.resource ?? DEFAULT_RESOURCE;
  const resourceScopes = options.resourceScopes ?? DEFAULT_RESOURCE_SCOPES;
  const machineScopes = options.machineScopes ?? DEFAULT_MACHINE_SCOPES;
  const tagsResource = options.tagsResource ?? DEFAULT_TAGS_RESOURCE;
  const tagsScope = options.tagsScopes ?? DEFAULT_TAGS_SCOPES;
  if (new URL(tagsResource).href === new URL(resource).href) {
    throw new Error(`tagsResource must differ from resource (${resource})`);
  }
  if (options.clients && options.publicClientIds?.length) {
    throw new Error('publicClientIds adds to the default clients; with `clients`, list those clients there instead');
  }
  const appOrigins = (options.appOrigins ?? []).map(toOrigin);
  const clients =
    options.clients ??
    defaultClients({
      appOrigins,
      resourceScopes,
      machineScopes,
      tagsScopes: tagsScope,
      publicClientIds: options.publicClientIds ?? [],
      ...(options.webRedirectUris ? { webRedirectUris: options.webRedirectUris } : {}),
    });
  return {
    port: options.port ?? DEFAULT_PORT,
    host: options.host ?? '127.0.0.1',
    issuer: options.issuer,
    quiet: options.quiet ?? true,
    accounts: [...(options.accounts ?? DEFAULT_ACCOUNTS)],
    clients,
    appOrigins,
    resource,
    apiScopes: joinScopes(resourceScopes, machineScopes),
    tagsResource,
    tagsScopes: joinScopes(tagsScope),
    dpopNonce: options.dpopNonce ?? true,
    profile: options.profile === undefined ? undefined : (profileNamed(options.profile), options.profile),
    endpointsPort: options.endpointsPort ?? 0,
    accessTokenTtl: options.accessTokenTtl ?? 300,
    refreshTokenTtl: options.refreshTokenTtl ?? 14 * 24 * 60 * 60,
  };
}

/** The issuer identifier: the given one, or `http://<host>:<port>`; without trailing slashes. */
export function issuerUrl(options: Pick<ResolvedOptions, 'issuer' | 'host'>, port: number): string {
  const { issuer, host } = options;
  return (issuer ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
}
