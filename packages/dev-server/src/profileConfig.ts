/** A quirk profile applied to the dev server's oidc-provider configuration, and its koa middleware. */
import { createPrivateKey, sign } from 'node:crypto';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { ProviderProfile } from './profiles/index.js';

type Features = NonNullable<Configuration['features']>;

/**
 * The configuration with the profile's switches: its routes, refresh-token rotation, revocation,
 * end-session endpoint, and its extra access-token and ID-token claims.
 */
export function applyProfile(base: Configuration, profile: ProviderProfile): Configuration {
  const features: Features = {
    ...base.features,
    revocation: { ...base.features?.revocation, enabled: profile.revocation },
  };
  const configuration: Configuration = {
    ...base,
    routes: { ...base.routes, ...profile.routes },
    rotateRefreshToken: profile.rotateRefreshTokens,
    features,
    formats: {
      ...base.formats,
      customizers: {
        jwt: (_ctx, _token, jwt) => {
          Object.assign(jwt.payload, profile.accessTokenClaims);
        },
      },
    },
  };
  return withIdTokenClaims(configuration, profile.idTokenClaims);
}

/** The profile's ID-token claims (Entra's `tid`, Cognito's `token_use`) on every account, released with `openid`. */
function withIdTokenClaims(configuration: Configuration, extra: Record<string, unknown>): Configuration {
  const names = Object.keys(extra);
  const findAccount = configuration.findAccount;
  if (!names.length || !findAccount) return configuration;
  const claims = (configuration.claims ?? {}) as Record<string, string[]>;
  return {
    ...configuration,
    claims: { ...claims, openid: [...(claims['openid'] ?? ['sub']), ...names] },
    findAccount: async (ctx, sub, token) => {
      const account = await findAccount(ctx, sub, token);
      if (!account) return account;
      return { ...account, claims: async (...args) => ({ ...(await account.claims(...args)), ...extra }) };
    },
  };
}

/** What the middleware needs to know of the running server. */
export interface ProfileContext {
  profile: ProviderProfile;
  issuer: string;
  /** Where the endpoints live: the second origin (Cognito's hosted-UI domain), else the issuer's origin. */
  endpointsOrigin: string;
  /** The signing key (a private JWK), to sign again an access token the profile changed. */
  signingKey: Record<string, unknown>;
}

/** Marks a request that came in on the issuer-template path (Entra's `/common/v2.0`). */
export const VIA_ISSUER_TEMPLATE = Symbol('via issuer template');

/** The koa middleware (`provider.use`) that shapes discovery, authorization redirects and token responses as the profile says. */
export function profileMiddleware(context: ProfileContext) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next();
    const route = ctx.oidc?.route;
    if (route === 'discovery' && isRecord(ctx.body)) shapeDiscovery(ctx, ctx.body, context);
    if ((route === 'authorization' || route === 'resume') && !context.profile.issInAuthorizationResponse) dropIss(ctx);
    if (route === 'token' && !context.profile.accessTokenAudience && isRecord(ctx.body)) dropAudience(ctx.body, context.signingKey);
  };
}

function shapeDiscovery(ctx: KoaContextWithOIDC, meta: Record<string, unknown>, { profile, issuer, endpointsOrigin }: ProfileContext): void {
  if (!profile.endSessionInDiscovery) delete meta['end_session_endpoint'];
  if (!profile.revocationInDiscovery) delete meta['revocation_endpoint'];
  // oidc-provider always answers with RFC 9207 `iss`; the profile removes it (dropIss) and says so.
  if (!profile.issInAuthorizationResponse) delete meta['authorization_response_iss_parameter_supported'];
  if (profile.endpointsOnSecondOrigin) {
    const base = issuer.replace(/\/+$/, '');
    for (const [key, value] of Object.entries(meta)) {
      if (key.endsWith('_endpoint') && typeof value === 'string' && value.startsWith(`${base}/`)) {
        meta[key] = `${endpointsOrigin}${value.slice(base.length)}`;
      }
    }
  }
  const template = profile.issuerTemplate;
  if (template && (ctx.req as { [VIA_ISSUER_TEMPLATE]?: boolean })[VIA_ISSUER_TEMPLATE]) {
    meta['issuer'] = template.issuer(new URL(issuer).origin);
  }
}

/** The authorization response without RFC 9207's `iss`, as a provider that does not send it. */
function dropIss(ctx: KoaContextWithOIDC): void {
  const location = ctx.response.get('Location');
  if (ctx.status < 300 || ctx.status >= 400 || !location) return;
  const url = URL.parse(location);
  if (!url?.searchParams.has('iss')) return;
  url.searchParams.delete('iss');
  ctx.set('Location', url.href);
}

/**
 * A JWT access token without `aud`, signed again with the server's key. oidc-provider refuses to
 * issue a JWT access token without an audience (formats/jwt.js), so no switch or customizer of it
 * can: the token response is changed after the fact.
 */
function dropAudience(body: Record<string, unknown>, signingKey: Record<string, unknown>): void {
  const token = body['access_token'];
  if (typeof token !== 'string' || token.split('.').length !== 3) return;
  const [header, payload] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  delete claims['aud'];
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const key = createPrivateKey({ key: signingKey as never, format: 'jwk' });
  body['access_token'] = `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value);
}
