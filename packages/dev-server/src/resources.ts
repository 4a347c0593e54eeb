/** The two example APIs as resource servers (resource indicators, RFC 8707). */
import type { Configuration, KoaContextWithOIDC, ResourceServer } from 'oidc-provider';
import type { OidcErrors } from './oidcProvider.js';

/** An API: its resource indicator (also its tokens' `aud`) and its scopes. */
export interface Api {
  resource: string;
  scopes: string[];
}

type ResourceIndicatorsFeature = NonNullable<NonNullable<Configuration['features']>['resourceIndicators']>;

/**
 * oidc-provider's `features.resourceIndicators` for these APIs; the first is the notes API, the
 * default when a token request could be for either.
 */
export function resourceIndicators(
  apis: [notes: Api, ...others: Api[]],
  accessTokenTtl: number,
  errors: OidcErrors,
): ResourceIndicatorsFeature {
  const notes = apis[0].resource;
  const known = apis.map((api) => api.resource).join(' and ');
  const resourceServers = new Map(apis.map((api) => [new URL(api.resource).href, resourceServer(api, accessTokenTtl)]));
  return {
    enabled: true,
    // Requests that ask for an API's scopes without `resource` still get its JWT; a token
    // request on a grant of both APIs without `resource` gets the notes API's.
    defaultResource: (ctx, _client, oneOf) => {
      if (oneOf) return oneOf.length === 1 ? (oneOf[0] as string) : oneOf.includes(notes) ? notes : oneOf;
      const asked = requestedResources(apis, ctx);
      if (asked.length === 0) return undefined as unknown as string;
      return asked.length === 1 ? (asked[0] as string) : asked;
    },
    useGrantedResource: () => true,
    getResourceServerInfo: (_ctx, indicator) => {
      const info = resourceServers.get(URL.parse(indicator)?.href ?? '');
      if (!info) {
        throw new errors.InvalidTarget(`unknown resource indicator; this server knows ${known}`);
      }
      return info;
    },
  };
}

/** Each API gets RS256 JWT access tokens whose `aud` is its resource indicator. */
function resourceServer(api: Api, accessTokenTtl: number): ResourceServer {
  return {
    scope: api.scopes.join(' '),
    audience: api.resource,
    accessTokenFormat: 'jwt',
    accessTokenTTL: accessTokenTtl,
    jwt: { sign: { alg: 'RS256' } },
  };
}

/** The APIs whose scopes the request asks for (to default `resource` when it is absent). */
function requestedResources(apis: Api[], ctx: KoaContextWithOIDC): string[] {
  const scope = (ctx.oidc.params as { scope?: unknown } | undefined)?.scope;
  if (typeof scope !== 'string') return [];
  const asked = new Set(scope.split(' '));
  return apis.filter((api) => api.scopes.some((s) => asked.has(s))).map((api) => api.resource);
}
