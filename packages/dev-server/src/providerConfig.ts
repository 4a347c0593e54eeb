/** The oidc-provider configuration of the dev server, built from its resolved options. */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { accountBySub } from './accounts.js';
import type { DevAccount } from './accounts.js';
import { memoryAdapters } from './memoryAdapter.js';
import type { OidcErrors } from './oidcProvider.js';
import type { ResolvedOptions } from './options.js';
import { backToAppUrl } from './backToApp.js';
import { interactionUrl } from './interactions.js';
import { logoutPage, oauthErrorPage, signedOutPage } from './pages.js';
import type { ErrorPageClient } from './pages.js';
import { resourceIndicators } from './resources.js';
import { OIDC_SCOPES, unique } from './scopes.js';

type Features = NonNullable<Configuration['features']>;

/** A fresh configuration: its own store, signing key, cookie key and DPoP nonce secret. */
export function providerConfiguration(opts: ResolvedOptions, errors: OidcErrors, key = signingKey()): Configuration {
  return {
    adapter: memoryAdapters(),
    clients: opts.clients,
    jwks: { keys: [key] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: unique([...OIDC_SCOPES.split(' '), ...opts.apiScopes, ...opts.tagsScopes]),
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
    findAccount: findAccount(opts.accounts),
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: ttl(opts),
    clientBasedCORS: clientBasedCors(opts.appOrigins),
    interactions: { url: (_ctx, interaction) => interactionUrl(interaction.uid, interaction.params) },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = oauthErrorPage(out, await errorPageClient(ctx));
    },
    features: features(opts, errors),
    fetch: loopbackFetch,
  };
}

/**
 * The provider's own outgoing requests (back-channel logout tokens to notes-bff) without its
 * SSRF guard, which refuses loopback addresses: every client of this loopback-only server lives
 * on loopback, so the guard would refuse them all.
 */
function loopbackFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const { dispatcher: _ssrfGuard, ...rest } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
  return globalThis.fetch(input, rest);
}

/**
 * The registered client of a failed request (the one oidc-provider found, else the `client_id`
 * it names): for the error page's redirect URIs and "Back to the app".
 */
async function errorPageClient(ctx: KoaContextWithOIDC): Promise<ErrorPageClient | undefined> {
  const params = (ctx.oidc?.params ?? (ctx.method === 'POST' ? ctx.oidc?.body : ctx.query) ?? {}) as Record<string, unknown>;
  const clientId = params['client_id'];
  const client = ctx.oidc?.client ?? (typeof clientId === 'string' ? await ctx.oidc?.provider.Client.find(clientId).catch(() => undefined) : undefined);
  if (!client) return undefined;
  return { clientId: client.clientId, redirectUris: client.redirectUris ?? [], backUrl: backToAppUrl(client, params['redirect_uri'] ?? params['post_logout_redirect_uri']) };
}

/** A fresh RS256 signing key, a private JWK with its `kid`. */
export function signingKey(): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

/** The account behind a `sub`, releasing a copy of its claims. */
function findAccount(accounts: readonly DevAccount[]): NonNullable<Configuration['findAccount']> {
  return (_ctx, sub) => {
    const account = accountBySub(accounts, sub);
    if (!account) return undefined;
    return { accountId: sub, claims: () => ({ ...account.claims }) };
  };
}

function ttl(opts: Pick<ResolvedOptions, 'accessTokenTtl' | 'refreshTokenTtl'>): NonNullable<Configuration['ttl']> {
  const { accessTokenTtl, refreshTokenTtl } = opts;
  return {
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
  };
}

/** CORS for the extra app origins and for any origin of a client's own redirect URIs. */
function clientBasedCors(appOrigins: readonly string[]): NonNullable<Configuration['clientBasedCORS']> {
  const corsOrigins = new Set(appOrigins);
  return (_ctx, origin, client) => {
    if (origin === 'null') return false;
    if (corsOrigins.has(origin)) return true;
    const uris = [...(client.redirectUris ?? []), ...(client.postLogoutRedirectUris ?? [])];
    return uris.some((uri) => URL.parse(uri)?.origin === origin);
  };
}

function features(opts: ResolvedOptions, errors: OidcErrors): Features {
  const apis: Parameters<typeof resourceIndicators>[0] = [
    { resource: opts.resource, scopes: opts.apiScopes },
    { resource: opts.tagsResource, scopes: opts.tagsScopes },
  ];
  return {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    revocation: revocation(errors),
    introspection: {
      enabled: true,
      allowedPolicy: (ctx, client, token) =>
        !(client.clientAuthMethod === 'none' && token.clientId !== ctx.oidc.client?.clientId),
    },
    userinfo: { enabled: true },
    // The DPoP and PAR switches below restate oidc-provider 9's defaults on purpose, to keep them in sight.
    // RFC 9449: optional per request (no DPoP header, Bearer as before). With a proof, the
    // access token is DPoP-bound (`cnf.jkt`), and so is a public client's refresh token.
    dPoP: {
      enabled: true,
      nonceSecret: randomBytes(32),
      requireNonce: () => opts.dpopNonce,
    },
    // RFC 9126: any client may push its request; notes-spa-par must.
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
    rpInitiatedLogout: rpInitiatedLogout(),
    // OIDC Back-Channel Logout 1.0: a logout here posts a logout token to each client that
    // registered a backchannel_logout_uri (notes-bff), so server-side sessions end too.
    backchannelLogout: { enabled: true },
    resourceIndicators: resourceIndicators(apis, opts.accessTokenTtl, errors),
  };
}

function revocation(errors: OidcErrors): Features['revocation'] {
  return {
    enabled: true,
    // A client revokes only its own tokens; a public client asking for another's is ignored (RFC 7009 §2.1).
    allowedPolicy: (_ctx, client, token) => {
      if (token.clientId === client.clientId) return true;
      if (client.clientAuthMethod === 'none') return false;
      throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
    },
  };
}

function rpInitiatedLogout(): Features['rpInitiatedLogout'] {
  return {
    enabled: true,
    // Confirms by itself (see logoutPage), so browsers and headless tests come straight back
    // to the post_logout_redirect_uri.
    logoutSource: (ctx, form) => {
      ctx.type = 'html';
      ctx.body = logoutPage(form);
    },
    postLogoutSuccessSource: (ctx) => {
      ctx.type = 'html';
      ctx.body = signedOutPage();
    },
  };
}
