import type { TokenKeeper } from './accessTokens.js';
import { BODYLESS, browserResponseHeaders, upstreamRequestHeaders, type HeaderPair, type UpstreamClient } from './headers.js';
import type { BffConfig, ResolvedApi } from './options.js';
import { requireSession } from './requestSession.js';
import { HttpError, unreachable } from './responses.js';

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

/**
 * A proxied call the BFF has authorised: where it goes, with the session's access token; the
 * adapter that received the request moves the bytes (fetch for web requests, node:http for
 * node's, which streams them without web streams in between).
 */
export interface Forward {
  readonly method: string;
  readonly target: URL;
  /** The upstream request's headers for the adapter's {@link UpstreamClient}: the browser's, cleaned, with the token. */
  headers(client: UpstreamClient): HeaderPair[];
}

/**
 * Authorises a browser request (CSRF header already checked) for its API: the session's access
 * token (refreshed when due), browser cookies and the CSRF header stripped. No session: 401.
 */
export async function authorizeForward(config: BffConfig, tokens: TokenKeeper, request: Request, url: URL, api: ResolvedApi): Promise<Forward> {
  const target = upstreamUrl(api, url);
  const session = await requireSession(config, request);
  const accessToken = await tokens.accessToken(session, api.resource);
  return { method: request.method, target, headers: (client) => upstreamRequestHeaders(request.headers, accessToken, request.method, client) };
}

/** Statuses whose response has no body (fetch refuses a body for them). */
const NULL_BODY = [101, 204, 205, 304];

/**
 * Makes an authorised call with fetch: the body streamed both ways, the API's status and body
 * passed through (its 401 too), no redirect followed. The API unreachable: 502, the cause to
 * `onError` (not when the browser itself went away).
 */
export async function forwardWithFetch(config: BffConfig, forward: Forward, request: Request): Promise<Response> {
  const hasBody = request.body !== null && !BODYLESS.includes(forward.method);
  let upstream: Response;
  try {
    upstream = await fetch(forward.target, {
      method: forward.method,
      headers: forward.headers('fetch'),
      body: hasBody ? request.body : null,
      redirect: 'manual',
      signal: request.signal,
      ...(hasBody ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (cause) {
    if (!request.signal.aborted) config.onError(cause);
    return unreachable(forward.target);
  }
  return new Response(NULL_BODY.includes(upstream.status) ? null : upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: browserResponseHeaders(upstream.headers, 'fetch'),
  });
}
