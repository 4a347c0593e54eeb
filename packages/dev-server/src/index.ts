/**
 * `@pkce-auth/dev-server`: an OpenID Connect authorization server (oidc-provider 9) with
 * development defaults for pkce-auth apps and their end-to-end tests — a demo account, the
 * Notes example's clients, PKCE (S256) required, rotating refresh tokens, RFC 9068 JWT access
 * tokens for two APIs (resource indicators, RFC 8707), DPoP (RFC 9449) with server nonces, pushed
 * authorization requests (RFC 9126), and headless-friendly login, consent and logout pages. It binds to loopback and keeps everything in memory: never use it in production.
 *
 * @packageDocumentation
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type {
  Adapter,
  AdapterPayload,
  ClientMetadata,
  Configuration,
  KoaContextWithOIDC,
  Provider,
  ResourceServer,
} from 'oidc-provider';

export { signIn } from './signIn.js';
export type { SignInOptions, SignInTokens } from './signIn.js';

/** A sign-in identity of the dev server: what the login form checks and the claims it releases. */
export interface DevAccount {
  /** What the person types in the login form's `username` field. */
  username: string;
  /** What the person types in the login form's `password` field. */
  password: string;
  /** The account's claims; `sub` is required. Released by scope: `profile` → `name`, `preferred_username`, …; `email` → `email`, `email_verified`. */
  claims: { sub: string } & Record<string, unknown>;
}

/** Options of {@link startDevServer}; every one has a development default. */
export interface DevServerOptions {
  /** TCP port; `0` picks a free one. Default `4000`. */
  port?: number;
  /** Interface to bind. Default `'127.0.0.1'` (loopback only). */
  host?: string;
  /** Issuer identifier. Default `http://<host>:<actual port>`. Must be the URL the browser uses, because the session cookies live on its host. */
  issuer?: string;
  /** Clients to register instead of {@link defaultClients}. */
  clients?: ClientMetadata[];
  /** Extra app origins (e.g. `http://127.0.0.1:53123`): each adds `<origin>/callback` as a redirect URI and `<origin>/` as a post-logout redirect URI of `notes-spa`, and is allowed by CORS. Default `[]`. */
  appOrigins?: string[];
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
}

/** A running dev server. */
export interface DevServer {
  /** The issuer identifier; discovery lives at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** The port actually bound. */
  port: number;
  /** The resource indicator / JWT access-token audience of the API. */
  resource: string;
  /** The resource indicator / JWT access-token audience of the second API (tags). */
  tagsResource: string;
  /** The oidc-provider instance (an EventEmitter: `provider.on('grant.success', …)`). */
  provider: Provider;
  /** Closes the server and every open connection; resolves once closed. */
  stop(): Promise<void>;
}

/** The default resource indicator and JWT `aud`: the Notes API of the example. */
export const DEFAULT_RESOURCE = 'http://localhost:4001';

/** The default resource indicator and JWT `aud` of the second API: a tags API, scope `tags:read`. */
export const DEFAULT_TAGS_RESOURCE = 'http://localhost:4002';

/** The default port. */
export const DEFAULT_PORT = 4000;

/** The demo account printed on the login page: username `demo`, password `demo`. */
export const DEMO_ACCOUNT: DevAccount = {
  username: 'demo',
  password: 'demo',
  claims: {
    sub: 'demo-user',
    name: 'Demo User',
    preferred_username: 'demo',
    email: 'demo@example.com',
    email_verified: true,
  },
};

/** The default accounts: `demo`/`demo` and a second person, `alice`/`alice`, for per-user tests. */
export const DEFAULT_ACCOUNTS: readonly DevAccount[] = [
  DEMO_ACCOUNT,
  {
    username: 'alice',
    password: 'alice',
    claims: {
      sub: 'alice-user',
      name: 'Alice Example',
      preferred_username: 'alice',
      email: 'alice@example.com',
      email_verified: true,
    },
  },
];

/** Default client ids and secrets of the Notes example. */
export const CLIENTS = {
  spa: { clientId: 'notes-spa' },
  /** Like `notes-spa`, but its authorization requests must be pushed first (PAR, RFC 9126). */
  spaPar: { clientId: 'notes-spa-par' },
  machine: { clientId: 'notes-machine', clientSecret: 'notes-machine-secret' },
  web: { clientId: 'notes-web', clientSecret: 'notes-web-secret' },
} as const;

const DEFAULT_APP_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];
const OIDC_SCOPES = 'openid profile email offline_access';
const DEFAULT_RESOURCE_SCOPES = 'notes:read notes:write';
const DEFAULT_MACHINE_SCOPES = 'notes:export';
const DEFAULT_TAGS_SCOPES = 'tags:read';

/** Options of {@link defaultClients}; {@link DevServerOptions} has the same names and defaults. */
export interface DefaultClientsOptions {
  appOrigins?: readonly string[];
  webRedirectUris?: readonly string[];
  resourceScopes?: string;
  machineScopes?: string;
  tagsScopes?: string;
}

/**
 * The Notes example's clients: `notes-spa` (public, PKCE, refresh tokens), `notes-spa-par` (the
 * same, but it must push its authorization requests, RFC 9126), `notes-machine` (confidential,
 * client credentials) and `notes-web` (confidential, authorization code). Each lists the scopes
 * it may ask for: the machine scopes (`notes:export`) belong to `notes-machine` alone, and the
 * others get `invalid_scope` for them; the tags scopes (`tags:read`) belong to the two SPAs.
 */
export function defaultClients(opts: DefaultClientsOptions = {}): ClientMetadata[] {
  const origins = unique([...DEFAULT_APP_ORIGINS, ...(opts.appOrigins ?? [])].map(toOrigin));
  const webRedirectUris = [...(opts.webRedirectUris ?? ['http://127.0.0.1:5174/callback'])];
  const resourceScopes = opts.resourceScopes ?? DEFAULT_RESOURCE_SCOPES;
  const personScope = joinScopes(OIDC_SCOPES, resourceScopes);
  const spaScope = joinScopes(personScope, opts.tagsScopes ?? DEFAULT_TAGS_SCOPES);
  const machineScope = joinScopes(resourceScopes, opts.machineScopes ?? DEFAULT_MACHINE_SCOPES);
  const spa: ClientMetadata = {
    client_id: CLIENTS.spa.clientId,
    client_name: 'Notes',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: origins.map((o) => `${o}/callback`),
    post_logout_redirect_uris: origins.map((o) => `${o}/`),
    scope: spaScope,
  };
  return [
    spa,
    {
      ...spa,
      client_id: CLIENTS.spaPar.clientId,
      client_name: 'Notes (pushed authorization requests)',
      require_pushed_authorization_requests: true,
    },
    {
      client_id: CLIENTS.machine.clientId,
      client_name: 'Notes nightly export',
      client_secret: CLIENTS.machine.clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: machineScope,
    },
    {
      client_id: CLIENTS.web.clientId,
      client_name: 'Notes server-side app',
      client_secret: CLIENTS.web.clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: webRedirectUris,
      post_logout_redirect_uris: unique(webRedirectUris.map((u) => `${new URL(u).origin}/`)),
      scope: personScope,
    },
  ];
}

/**
 * Starts the dev authorization server.
 *
 * @example
 * ```ts
 * const server = await startDevServer({ port: 0, appOrigins: ['http://127.0.0.1:5173'] });
 * // … server.issuer …
 * await server.stop();
 * ```
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const host = options.host ?? '127.0.0.1';
  const quiet = options.quiet ?? true;
  const accounts = [...(options.accounts ?? DEFAULT_ACCOUNTS)];
  const resource = options.resource ?? DEFAULT_RESOURCE;
  const resourceScopes = options.resourceScopes ?? DEFAULT_RESOURCE_SCOPES;
  const machineScopes = options.machineScopes ?? DEFAULT_MACHINE_SCOPES;
  const apiScopes = joinScopes(resourceScopes, machineScopes).split(' ');
  const tagsResource = options.tagsResource ?? DEFAULT_TAGS_RESOURCE;
  const tagsScopes = joinScopes(options.tagsScopes ?? DEFAULT_TAGS_SCOPES).split(' ');
  if (new URL(tagsResource).href === new URL(resource).href) {
    throw new Error(`tagsResource must differ from resource (${resource})`);
  }
  const dpopNonce = options.dpopNonce ?? true;
  const accessTokenTtl = options.accessTokenTtl ?? 300;
  const refreshTokenTtl = options.refreshTokenTtl ?? 14 * 24 * 60 * 60;
  const appOrigins = (options.appOrigins ?? []).map(toOrigin);
  const clients =
    options.clients ??
    defaultClients({
      appOrigins,
      resourceScopes,
      machineScopes,
      tagsScopes: tagsScopes.join(' '),
      ...(options.webRedirectUris ? { webRedirectUris: options.webRedirectUris } : {}),
    });

  const ProviderClass = await loadProvider(quiet);
  const errors = (await import('oidc-provider')).errors;

  // Listen first so the issuer can carry the real port when port 0 was asked for.
  // eslint-disable-next-line prefer-const -- assigned once the provider exists, read by the server created before it
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    if (handler) handler(req, res);
    else {
      res.statusCode = 503;
      res.end('starting');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = (options.issuer ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');

  const corsOrigins = new Set(appOrigins);
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number | undefined }>();
  const grantIndex = new Map<string, Set<string>>();

  // Each API gets RS256 JWT access tokens whose `aud` is its resource indicator.
  const resourceServer = (audience: string, scopes: string[]): ResourceServer => ({
    scope: scopes.join(' '),
    audience,
    accessTokenFormat: 'jwt',
    accessTokenTTL: accessTokenTtl,
    jwt: { sign: { alg: 'RS256' } },
  });
  const apis = [
    { resource, scopes: apiScopes },
    { resource: tagsResource, scopes: tagsScopes },
  ];
  const resourceServers = new Map(apis.map((api) => [new URL(api.resource).href, resourceServer(api.resource, api.scopes)]));

  /** The APIs whose scopes the request asks for (to default `resource` when it is absent). */
  const requestedResources = (ctx: KoaContextWithOIDC): string[] => {
    const scope = (ctx.oidc.params as { scope?: unknown } | undefined)?.scope;
    if (typeof scope !== 'string') return [];
    const asked = new Set(scope.split(' '));
    return apis.filter((api) => api.scopes.some((s) => asked.has(s))).map((api) => api.resource);
  };

  const configuration: Configuration = {
    adapter: (name: string) => memoryAdapter(name, store, grantIndex),
    clients,
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: unique([...OIDC_SCOPES.split(' '), ...apiScopes, ...tagsScopes]),
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'given_name', 'family_name', 'picture', 'locale', 'updated_at'],
      email: ['email', 'email_verified'],
    },
    // The SPA's user comes from the ID token, and its access token is for the API, not
    // /userinfo: so the ID token carries the scope's claims.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => {
      const account = accounts.find((a) => a.claims.sub === sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ ...account.claims }) };
    },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Grant: refreshTokenTtl,
      Session: refreshTokenTtl,
      RefreshToken: (ctx, token, client) => {
        const rotated = ctx?.oidc?.entities.RotatedRefreshToken;
        if (rotated && client.clientAuthMethod === 'none' && !token.isSenderConstrained()) {
          return rotated.remainingTTL;
        }
        return refreshTokenTtl;
      },
    },
    clientBasedCORS: (_ctx, origin, client) => {
      if (origin === 'null') return false;
      if (corsOrigins.has(origin)) return true;
      const uris = [...(client.redirectUris ?? []), ...(client.postLogoutRedirectUris ?? [])];
      return uris.some((uri) => URL.parse(uri)?.origin === origin);
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'Error',
        `<h1>Something went wrong</h1>
<p id="error"><strong>${esc(out.error)}</strong></p>
${out.error_description ? `<p id="error-description">${esc(out.error_description)}</p>` : ''}`,
      );
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: {
        enabled: true,
        // A client revokes only its own tokens; a public client asking for another's is ignored (RFC 7009 §2.1).
        allowedPolicy: (_ctx, client, token) => {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      introspection: {
        enabled: true,
        allowedPolicy: (ctx, client, token) =>
          !(client.clientAuthMethod === 'none' && token.clientId !== ctx.oidc.client?.clientId),
      },
      userinfo: { enabled: true },
      // RFC 9449: optional per request (no DPoP header, Bearer as before). With a proof, the
      // access token is DPoP-bound (`cnf.jkt`), and so is a public client's refresh token.
      dPoP: {
        enabled: true,
        nonceSecret: randomBytes(32),
        requireNonce: () => dpopNonce,
      },
      // RFC 9126: any client may push its request; notes-spa-par must.
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      rpInitiatedLogout: {
        enabled: true,
        // Confirms by itself (a script submits "Sign out") so browsers and headless tests
        // come straight back to the post_logout_redirect_uri; without script, a button.
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = page(
            'Sign out',
            `<h1>Signing out…</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" id="logout">Sign out</button>
<button type="submit" form="op.logoutForm" id="stay">Stay signed in</button>
<script>
(function () {
  var f = document.getElementById('op.logoutForm');
  var i = document.createElement('input');
  i.type = 'hidden'; i.name = 'logout'; i.value = 'yes';
  f.appendChild(i); f.submit();
})();
</script>`,
          );
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = page('Signed out', '<h1 id="signed-out">You are signed out</h1>');
        },
      },
      resourceIndicators: {
        enabled: true,
        // Requests that ask for an API's scopes without `resource` still get its JWT; a token
        // request on a grant of both APIs without `resource` gets the notes API's.
        defaultResource: (ctx, _client, oneOf) => {
          if (oneOf) return oneOf.length === 1 ? (oneOf[0] as string) : oneOf.includes(resource) ? resource : oneOf;
          const asked = requestedResources(ctx);
          if (asked.length === 0) return undefined as unknown as string;
          return asked.length === 1 ? (asked[0] as string) : asked;
        },
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          const info = resourceServers.get(URL.parse(indicator)?.href ?? '');
          if (!info) {
            throw new errors.InvalidTarget(`unknown resource indicator; this server knows ${resource} and ${tagsResource}`);
          }
          return info;
        },
      },
    },
  };

  const provider = new ProviderClass(issuer, configuration);
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.response.is('html')) forbidFraming((name, value) => ctx.set(name, value));
  });
  const callback = provider.callback();
  handler = (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/interaction/')) {
      handleInteraction(provider, accounts, req, res).catch((err: unknown) => {
        sendHtml(res, 500, page('Error', `<h1>Something went wrong</h1><p id="error">${esc(String(err))}</p>`));
      });
      return;
    }
    callback(req, res);
  };

  let stopped: Promise<void> | undefined;
  return {
    issuer,
    port,
    resource,
    tagsResource,
    provider,
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return stopped;
    },
  };
}

type ProviderConstructor = new (issuer: string, configuration?: Configuration) => Provider;

let providerModule: Promise<ProviderConstructor> | undefined;

/** Imports oidc-provider once, hiding its "unsupported runtime" notice on Node 20 when quiet. */
function loadProvider(quiet: boolean): Promise<ProviderConstructor> {
  providerModule ??= (async () => {
    const warn = console.warn;
    if (quiet) {
      console.warn = (...args: unknown[]) => {
        if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
        warn(...args);
      };
    }
    try {
      const mod = await import('oidc-provider');
      return mod.default as unknown as ProviderConstructor;
    } finally {
      console.warn = warn;
    }
  })();
  return providerModule;
}

function signingKey(): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

/** An in-memory adapter per server (oidc-provider's own one is shared and announces itself). */
function memoryAdapter(
  name: string,
  store: Map<string, { payload: AdapterPayload; expiresAt: number | undefined }>,
  grantIndex: Map<string, Set<string>>,
): Adapter {
  const key = (id: string) => `${name}:${id}`;
  const read = (k: string): AdapterPayload | undefined => {
    const entry = store.get(k);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      store.delete(k);
      return undefined;
    }
    return structuredClone(entry.payload);
  };
  return {
    async upsert(id, payload, expiresIn) {
      const k = key(id);
      store.set(k, {
        payload: structuredClone(payload),
        expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
      });
      if (payload.grantId) {
        const keys = grantIndex.get(payload.grantId) ?? new Set<string>();
        keys.add(k);
        grantIndex.set(payload.grantId, keys);
      }
      if (payload.uid) store.set(`${name}:uid:${payload.uid}`, { payload: { id } as AdapterPayload, expiresAt: undefined });
      if (payload.userCode) store.set(`${name}:userCode:${payload.userCode}`, { payload: { id } as AdapterPayload, expiresAt: undefined });
    },
    async find(id) {
      return read(key(id));
    },
    async findByUid(uid) {
      const ref = store.get(`${name}:uid:${uid}`)?.payload as { id?: string } | undefined;
      return ref?.id ? read(key(ref.id)) : undefined;
    },
    async findByUserCode(userCode) {
      const ref = store.get(`${name}:userCode:${userCode}`)?.payload as { id?: string } | undefined;
      return ref?.id ? read(key(ref.id)) : undefined;
    },
    async consume(id) {
      const entry = store.get(key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      store.delete(key(id));
    },
    async revokeByGrantId(grantId) {
      for (const k of grantIndex.get(grantId) ?? []) store.delete(k);
      grantIndex.delete(grantId);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Interactions: login and consent pages served in front of provider.callback().

async function handleInteraction(
  provider: Provider,
  accounts: DevAccount[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const match = /^\/interaction\/([^/]+)(?:\/(login|confirm|abort))?\/?$/.exec(path);
  if (!match) return sendHtml(res, 404, page('Not found', '<h1>Not found</h1>'));
  const uid = match[1] as string;
  const action = match[2];

  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    return sendHtml(
      res,
      400,
      page(
        'Sign-in expired',
        `<h1>This sign-in has expired</h1><p id="error">The sign-in request is unknown or has expired (or cookies are blocked). Go back to the app and sign in again.</p>`,
      ),
    );
  }
  if (details.uid !== uid) return sendHtml(res, 400, page('Error', '<h1>Interaction mismatch</h1>'));

  const prompt = details.prompt.name;
  const clientId = String(details.params['client_id'] ?? '');
  const client = await provider.Client.find(clientId);
  const clientName = client?.clientName ?? clientId;

  if (req.method === 'GET' && !action) {
    if (prompt === 'login') return sendHtml(res, 200, loginPage(uid, clientName));
    if (prompt === 'consent') return sendHtml(res, 200, consentPage(uid, clientName, details));
    return sendHtml(res, 400, page('Error', `<h1>Unsupported prompt ${esc(prompt)}</h1>`));
  }
  if (req.method !== 'POST' || !action) return sendHtml(res, 405, page('Error', '<h1>Method not allowed</h1>'));

  const form = new URLSearchParams(await readBody(req));
  let result: Parameters<Provider['interactionResult']>[2];
  let merge = false;

  if (action === 'abort') {
    result = { error: 'access_denied', error_description: 'The person denied the request.' };
  } else if (action === 'login') {
    if (prompt !== 'login') return redirect(res, `/interaction/${uid}`);
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    const account = accounts.find((a) => a.username === username && a.password === password);
    if (!account) {
      return sendHtml(res, 401, loginPage(uid, clientName, 'Invalid username or password.', username));
    }
    result = { login: { accountId: account.claims.sub } };
  } else {
    if (prompt !== 'consent') return redirect(res, `/interaction/${uid}`);
    const accountId = details.session?.accountId;
    if (!accountId) return redirect(res, `/interaction/${uid}`);
    const d = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const grant = details.grantId
      ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId, clientId }))
      : new provider.Grant({ accountId, clientId });
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    result = { consent: details.grantId ? {} : { grantId } };
    merge = true;
  }

  const to = await provider.interactionResult(req, res, result, { mergeWithLastSubmission: merge });
  redirect(res, to);
}

function loginPage(uid: string, clientName: string, error?: string, username = ''): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p>to continue to <strong>${esc(clientName)}</strong></p>
${error ? `<p id="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login" id="login-form">
  <label for="username">Username</label>
  <input id="username" name="username" autocomplete="username" autofocus required value="${esc(username)}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit" id="sign-in">Sign in</button>
</form>
<form method="post" action="/interaction/${esc(uid)}/abort"><button type="submit" id="cancel" class="secondary">Cancel</button></form>
<p class="hint" id="demo-credentials">Demo account: username <code>demo</code>, password <code>demo</code>.</p>`,
  );
}

function consentPage(
  uid: string,
  clientName: string,
  details: Awaited<ReturnType<Provider['interactionDetails']>>,
): string {
  const d = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
  const items = [
    ...(d.missingOIDCScope ?? []).map((s) => `<li>${esc(s)}</li>`),
    ...Object.entries(d.missingResourceScopes ?? {}).flatMap(([r, scopes]) =>
      scopes.map((s) => `<li>${esc(s)} <small>(${esc(r)})</small></li>`),
    ),
  ];
  return page(
    'Allow access',
    `<h1>Allow access?</h1>
<p><strong>${esc(clientName)}</strong> asks for:</p>
<ul id="scopes">${items.join('') || '<li>your sign-in</li>'}</ul>
<form method="post" action="/interaction/${esc(uid)}/confirm"><button type="submit" id="allow" autofocus>Allow</button></form>
<form method="post" action="/interaction/${esc(uid)}/abort"><button type="submit" id="deny" class="secondary">Deny</button></form>`,
  );
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · pkce-auth dev server</title>
<style>
body{font-family:system-ui,sans-serif;max-width:22rem;margin:3rem auto;padding:0 1rem;color:#1b1b1f}
label{display:block;margin-top:.75rem;font-size:.9rem}
input{display:block;width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;font-size:1rem}
button{display:block;width:100%;margin-top:1rem;padding:.6rem;font-size:1rem;border:0;border-radius:4px;background:#3451b2;color:#fff;cursor:pointer}
button.secondary{background:#e4e4e9;color:#1b1b1f;margin-top:.5rem}
#error{color:#b42318}
.hint{color:#555;font-size:.85rem;margin-top:1.5rem}
</style>
</head>
<body>
${body}
<p class="hint">pkce-auth development server: not for production.</p>
</body>
</html>`;
}

function esc(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Forbids framing a page (clickjacking): set on every HTML response, both oidc-provider's
 * (a middleware) and the interaction pages' ({@link sendHtml}).
 */
const NO_FRAMING = { 'X-Frame-Options': 'DENY', 'Content-Security-Policy': "frame-ancestors 'none'" } as const;

function forbidFraming(setHeader: (name: string, value: string) => void): void {
  for (const [name, value] of Object.entries(NO_FRAMING)) setHeader(name, value);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  forbidFraming((name, value) => res.setHeader(name, value));
  res.end(html);
}

function redirect(res: ServerResponse, location: string): void {
  res.statusCode = 303;
  res.setHeader('Location', location);
  res.setHeader('Cache-Control', 'no-store');
  res.end();
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function toOrigin(value: string): string {
  return new URL(value).origin;
}

/** Space-separated scope lists joined into one, without empty or repeated entries. */
function joinScopes(...lists: string[]): string {
  return unique(lists.flatMap((list) => list.split(' ')).filter(Boolean)).join(' ');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
