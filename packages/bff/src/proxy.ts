import type { TokenKeeper } from './accessTokens.js';
import { browserResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { BffConfig, ResolvedApi } from './options.js';
import { requireSession } from './requestSession.js';
import { HttpError, json } from './responses.js';

/** The configured API a path belongs to: its path or below it at a `/` boundary (longest path first). */
export function apiFor(config: BffConfig, pathname: string): ResolvedApi | undefined {
  return config.apis.find((api) => pathname === api.path || pathname.startsWith(`${api.path}/`));
}

/** The upstream URL: the API's prefix replaced by its target (`/api/notes/5?x=1` → `<target>/5?x=1`). */
export function upstreamUrl(api: ResolvedApi, url: URL): URL {
  const rest = url.pathname.slice(api.path.length);
  // An encoded slash or backslash would let the rest climb out of the target's path at an API
  // that decodes before routing.
  if (/%2f|%5c/i.test(rest)) throw new HttpError(400, 'invalid_request', 'encoded slashes in an API path are not forwarded');
  return new URL(`${api.target.href.replace(/\/$/, '')}${rest}${url.search}`);
}

/** Statuses whose response has no body (fetch refuses a body for them). */
const NULL_BODY = [101, 204, 205, 304];

/**
 * Forwards a browser request (CSRF header already checked) to its API: the session's access
 * token attached (refreshed when due), browser cookies and the CSRF header stripped, the body
 * streamed both ways, the API's status and body passed through (its 401 too), no redirect
 * followed. No session: 401. The API unreachable: 502.
 */
export async function proxy(config: BffConfig, tokens: TokenKeeper, request: Request, url: URL, api: ResolvedApi): Promise<Response> {
  const target = upstreamUrl(api, url);
  const session = await requireSession(config, request);
  const accessToken = await tokens.accessToken(session, api.resource);
  const hasBody = request.body !== null && request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers: upstreamRequestHeaders(request.headers, accessToken),
      body: hasBody ? request.body : null,
      redirect: 'manual',
      signal: request.signal,
      ...(hasBody ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (cause) {
    // The operator sees why (not when the browser itself went away); the browser sees which API,
    // not the cause (it may name internals).
    if (!request.signal.aborted) config.onError(cause);
    return json(502, { error: 'bad_gateway', message: `the API at ${target.origin} could not be reached` });
  }
  return new Response(NULL_BODY.includes(upstream.status) ? null : upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: browserResponseHeaders(upstream.headers),
  });
}
