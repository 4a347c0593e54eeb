import type { TokenKeeper } from './accessTokens.js';
import { requireCsrfHeader } from './csrf.js';
import type { LogoutSubject } from './logoutToken.js';
import type { BffConfig, ResolvedApi } from './options.js';
import { apiFor, authorizeForward, type Forward } from './proxy.js';
import { errorResponse, HttpError } from './responses.js';
import { backchannelLogout } from './routes/backchannelLogout.js';
import { callback } from './routes/callback.js';
import { login } from './routes/login.js';
import { logout } from './routes/logout.js';
import { user } from './routes/user.js';

type Handler = (request: Request, url: URL) => Promise<Response>;

/** One BFF route: its method, whether it needs the CSRF header, and its handler. */
interface Route {
  method: 'GET' | 'POST';
  csrf: boolean;
  handle: Handler;
}

/** What the routes need besides the config. */
export interface RouterParts {
  tokens: TokenKeeper;
  verifyLogoutToken: (token: string) => Promise<LogoutSubject>;
}

/** The `/bff` routes; login, callback and back-channel logout are the ones without the CSRF header (top-level navigations and the server). */
function bffRoutes(config: BffConfig, parts: RouterParts): Record<string, Route> {
  return {
    '/bff/login': { method: 'GET', csrf: false, handle: (request, url) => login(config, request, url) },
    '/bff/callback': { method: 'GET', csrf: false, handle: (request, url) => callback(config, request, url) },
    '/bff/user': { method: 'GET', csrf: true, handle: (request) => user(config, request) },
    '/bff/logout': { method: 'POST', csrf: true, handle: (request) => logout(config, request) },
    '/bff/backchannel-logout': { method: 'POST', csrf: false, handle: (request) => backchannelLogout(config, request, parts.verifyLogoutToken) },
  };
}

/** What the BFF does with a path: one of its own `/bff` routes, or the proxy to a configured API. */
export type PathOwner = { kind: 'bff' } | { kind: 'api'; api: ResolvedApi };

const OWN_ROUTE: PathOwner = { kind: 'bff' };

/** Who answers `pathname` at the BFF: its `/bff` routes, a configured API (the longest path), or nobody (undefined). */
export function ownerOf(config: BffConfig, pathname: string): PathOwner | undefined {
  if (pathname === '/bff' || pathname.startsWith('/bff/')) return OWN_ROUTE;
  const api = apiFor(config, pathname);
  return api ? { kind: 'api', api } : undefined;
}

/**
 * The BFF's request handler: a route's answer, an authorised API call for the adapter to make
 * ({@link Forward}), or undefined for a path it does not own. Every refusal is `{ error, message }`
 * JSON with a 4xx (405 for a wrong method, 403 without the CSRF header, before any work or
 * upstream call).
 */
export function createRouter(config: BffConfig, parts: RouterParts): (request: Request) => Promise<Response | Forward | undefined> {
  const routes = bffRoutes(config, parts);
  const dispatch = async (request: Request, url: URL, owner: PathOwner): Promise<Response | Forward> => {
    if (owner.kind === 'api') {
      requireCsrfHeader(request);
      return authorizeForward(config, parts.tokens, request, url, owner.api);
    }
    const route = routes[url.pathname];
    if (!route) throw new HttpError(404, 'not_found', `the BFF has no route ${url.pathname}`);
    if (request.method !== route.method) throw new HttpError(405, 'method_not_allowed', `${url.pathname} takes ${route.method} only`, { allow: route.method });
    if (route.csrf) requireCsrfHeader(request);
    return route.handle(request, url);
  };
  return async (request) => {
    const url = URL.parse(request.url);
    const owner = url ? ownerOf(config, url.pathname) : undefined;
    if (!url || !owner) return undefined;
    try {
      return await dispatch(request, url, owner);
    } catch (error) {
      return errorResponse(error, config.onError);
    }
  };
}
