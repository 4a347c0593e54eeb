import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTokenKeeper } from './accessTokens.js';
import { logoutTokenVerifier } from './logoutToken.js';
import type { NextFunction } from './node.js';
import { nodeHandler } from './node.js';
import { createNodeForwarder } from './nodeForward.js';
import { resolveOptions, type BffOptions } from './options.js';
import { json } from './responses.js';
import { forwardWithFetch } from './proxy.js';
import { createRouter, ownerOf } from './router.js';

/** A Backend for Frontend: its routes as a web-standard handler and as Node middleware. */
export interface Bff {
  /** Answers a web `Request` (Hono, srvx, Deno-style servers); 404 for paths the BFF does not own. */
  fetch(request: Request): Promise<Response>;
  /** node:http, Connect and Express middleware, calling the APIs with node:http; paths the BFF does not own go to `next()`, or 404 without it. */
  node(req: IncomingMessage, res: ServerResponse, next?: NextFunction): Promise<void>;
  /** Closes the connections `node` made to the APIs (cutting calls in flight) and the store's own resources (the connection `redisStore({ url })` opened); call it at shutdown, once the server stopped taking requests. */
  close(): Promise<void>;
}

/**
 * Creates a Backend for Frontend: the login at the server as a confidential client (PKCE, state
 * and nonce as well), an encrypted server-side session behind an HttpOnly cookie, and a proxy to
 * the configured APIs that attaches and refreshes the access token, so no token reaches the
 * browser. Routes: `GET /bff/login`, `GET /bff/callback`, `GET /bff/user`, `POST /bff/logout`,
 * `POST /bff/backchannel-logout`, and each `apis[].path`.
 *
 * @throws AuthError `invalid_config` naming the option at fault (e.g. a `secret` under 32 bytes).
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-browser-based-apps#name-backend-for-frontend-bff
 */
export function createBff(options: BffOptions): Bff {
  const config = resolveOptions(options);
  const route = createRouter(config, { tokens: createTokenKeeper(config), verifyLogoutToken: logoutTokenVerifier(config) });
  const forwarder = createNodeForwarder(config.onError);
  const notOwned = () => json(404, { error: 'not_found', message: 'the BFF does not own this path' });
  return {
    fetch: async (request) => {
      const routed = (await route(request)) ?? notOwned();
      return routed instanceof Response ? routed : forwardWithFetch(config, routed, request);
    },
    node: nodeHandler({ baseUrl: config.baseUrl, kind: (pathname) => ownerOf(config, pathname)?.kind, route: async (request) => (await route(request)) ?? notOwned(), forwarder }),
    close: async () => {
      forwarder.close();
      await config.store.close?.();
    },
  };
}
