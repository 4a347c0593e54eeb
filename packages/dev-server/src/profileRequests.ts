/** The HTTP side of a quirk profile: which paths each origin serves, and the provider's own logout endpoint. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathOf, redirect } from './http.js';
import type { RequestHandler } from './httpServer.js';
import { VIA_ISSUER_TEMPLATE } from './profileConfig.js';
import type { ProviderProfile } from './profiles/index.js';

/** The handlers of the issuer's origin and, for a profile with a second origin, of that one. */
export interface ProfileHandlers {
  issuerOrigin: RequestHandler;
  endpointsOrigin: RequestHandler | undefined;
}

/**
 * Routes requests as the profile's provider lays out its URLs. `pages` serves the dev server's
 * own pages (interactions, favicon) and returns `false` for anything else; `provider` is
 * oidc-provider's callback.
 */
export function profileHandlers(profile: ProviderProfile, pages: (req: IncomingMessage, res: ServerResponse) => boolean, provider: RequestHandler): ProfileHandlers {
  const mount = profile.issuerPath.replace(/\/+$/, '');
  const endSession = `${profile.endpointsOnSecondOrigin ? '' : mount}${profile.routes.end_session ?? '/session/end'}`;
  const prefixes = [mount, ...(profile.issuerTemplate ? [profile.issuerTemplate.path] : [])];
  const issuerOrigin: RequestHandler = (req, res) => {
    if (pages(req, res)) return;
    const path = pathOf(req);
    if (!profile.endpointsOnSecondOrigin && profile.logout && path === profile.logout.path) return logout(req, res, profile.logout.returnParam, endSession);
    const prefix = prefixes.find((p) => p === '' || path === p || path.startsWith(`${p}/`));
    // Cognito's issuer host serves discovery and the JWKS only.
    if (prefix === undefined || (profile.endpointsOnSecondOrigin && !path.startsWith(`${prefix}/.well-known/`))) return notFound(res);
    if (prefix === profile.issuerTemplate?.path) (req as { [VIA_ISSUER_TEMPLATE]?: boolean })[VIA_ISSUER_TEMPLATE] = true;
    provider(withAudienceAsResource(profile, unmount(req, prefix)), res);
  };
  const endpointsOrigin: RequestHandler | undefined = profile.endpointsOnSecondOrigin
    ? (req, res) => {
        if (pages(req, res)) return;
        if (profile.logout && pathOf(req) === profile.logout.path) return logout(req, res, profile.logout.returnParam, endSession);
        if (pathOf(req).startsWith('/.well-known/')) return notFound(res);
        provider(req, res);
      }
    : undefined;
  return { issuerOrigin, endpointsOrigin };
}

/** The request as oidc-provider sees it when mounted at `prefix` (as koa-mount or express do: `originalUrl` keeps the full URL). */
function unmount(req: IncomingMessage, prefix: string): IncomingMessage {
  if (!prefix) return req;
  const original = req.url ?? '/';
  (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
  req.url = original.slice(prefix.length) || '/';
  return req;
}

/**
 * Auth0 names the API with `audience` (https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens):
 * at the authorization endpoint it is read as `resource` (RFC 8707), which oidc-provider understands.
 */
function withAudienceAsResource(profile: ProviderProfile, req: IncomingMessage): IncomingMessage {
  if (!profile.audienceParam || pathOf(req) !== profile.routes.authorization) return req;
  const url = new URL(req.url ?? '/', 'http://dev-server.invalid');
  const audience = url.searchParams.get('audience');
  if (audience && !url.searchParams.has('resource')) {
    url.searchParams.delete('audience');
    url.searchParams.set('resource', audience);
    req.url = `${url.pathname}${url.search}`;
  }
  return req;
}

/**
 * The provider's own logout endpoint (Cognito `/logout?client_id&logout_uri`, Auth0
 * `/v2/logout?client_id&returnTo`), as RP-Initiated Logout at oidc-provider's end-session
 * endpoint: it checks the return URI against the client's post-logout redirect URIs, ends the
 * session and redirects there (with `state` when given).
 */
function logout(req: IncomingMessage, res: ServerResponse, returnParam: string, endSession: string): void {
  const query = new URL(req.url ?? '/', 'http://dev-server.invalid').searchParams;
  const params = new URLSearchParams();
  for (const [from, to] of [['client_id', 'client_id'], [returnParam, 'post_logout_redirect_uri'], ['state', 'state']] as const) {
    const value = query.get(from);
    if (value !== null) params.set(to, value);
  }
  redirect(res, `${endSession}?${params}`);
}

function notFound(res: ServerResponse): void {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ error: 'not_found', error_description: 'this profile serves no endpoint at this path' }));
}
