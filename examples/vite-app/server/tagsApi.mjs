// The Tags API: the example's second Resource Server (resource indicator http://localhost:4002), so
// the app holds two access tokens, one per audience (RFC 8707). `GET /tags` lists the tags of the
// person the token speaks for (`sub`), with the scope `tags:read` and `aud` equal to this API's
// audience; a token for the notes API is refused. Bearer and DPoP-bound tokens get the same checks
// as at the notes API (accessTokens.mjs, resourceServer.mjs).
// Plain ESM + JSDoc so `node` runs it without a build step; types in tagsApi.d.mts.
import { HttpError, personOf, requireScope } from './accessTokens.mjs';
import { pathAndMethod, send, startResourceServer } from './resourceServer.mjs';

/** @typedef {import('./tagsApi.d.mts').TagsApiOptions} TagsApiOptions */
/** @typedef {import('./tagsApi.d.mts').TagsApi} TagsApi */

/** The dev server's accounts' tags; anyone else has none. */
export const DEFAULT_TAGS = Object.freeze({
  'demo-user': Object.freeze(['home', 'ideas', 'work']),
  'alice-user': Object.freeze(['books', 'travel']),
});

/**
 * Starts the Tags API.
 * @param {TagsApiOptions} options
 * @returns {Promise<TagsApi>}
 */
export async function createTagsApi(options) {
  const issuer = options?.issuer;
  const audience = options?.audience === undefined ? 'http://localhost:4002' : options.audience;
  const scope = options?.scope ?? 'tags:read';
  /** @type {Readonly<Record<string, readonly string[]>>} */
  const tagsBySub = options?.tags ?? DEFAULT_TAGS;

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {import('./accessTokens.d.mts').AccessTokenVerifier} tokens
   */
  async function route(req, res, tokens) {
    const { path, method } = pathAndMethod(req);
    if (path === '/') return send(res, 200, { name: 'tags API', issuer, audience, scopes: [scope] });
    if (path !== '/tags') throw new HttpError(404, 'not_found', `no route for ${method} ${path}`);
    if (method !== 'GET') throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on /tags`, { Allow: 'GET, OPTIONS' });
    const who = await tokens.authenticate(req);
    requireScope(who, scope);
    const sub = personOf(who, 'personal tags');
    return send(res, 200, { tags: Object.hasOwn(tagsBySub, sub) ? [...(tagsBySub[sub] ?? [])] : [] });
  }

  return startResourceServer({ ...options, audience }, { factory: 'createTagsApi', name: 'tags API', defaultPort: 4002, methods: ['GET'], route });
}
