import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { NodeForwarder } from './nodeForward.js';
import type { Forward } from './proxy.js';
import { json } from './responses.js';

/** A Connect/Express `next`. */
export type NextFunction = (error?: unknown) => void;

/** The request's path and query on the app's origin (Express's `originalUrl` under a mount; never the Host header). */
function requestUrl(req: IncomingMessage & { originalUrl?: string }, baseUrl: URL): URL {
  const raw = req.originalUrl ?? req.url ?? '/';
  // An absolute-form target ("GET http://other/x") keeps its path only.
  const parsed = URL.parse(raw, baseUrl) ?? new URL('/', baseUrl);
  return new URL(parsed.pathname + parsed.search, baseUrl);
}

/**
 * A web `Request` of a node:http request, aborted when the client goes away; its body streamed
 * when `signal` is given (a proxied call's body stays in `req`, for the forwarder to pipe).
 */
function toRequest(req: IncomingMessage, url: URL, signal?: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = req.method ?? 'GET';
  const hasBody = signal && method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    ...(signal ? { signal } : {}),
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
}

/** Writes a web `Response` to a node:http response, its body streamed. */
async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== 'set-cookie') res.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader('set-cookie', cookies);
  if (!response.body) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream), res);
}

/** What the node adapter asks of the BFF. */
export interface NodeRoutes {
  baseUrl: URL;
  /** Whether a path is one of the BFF's own routes, a proxied API's, or not the BFF's (undefined). */
  kind(pathname: string): 'bff' | 'api' | undefined;
  /** The BFF's answer for a path it owns, or the API call it authorised. */
  route(request: Request): Promise<Response | Forward>;
  forwarder: NodeForwarder;
}

/** A signal that aborts when the client goes away before its answer was sent. */
function clientGone(res: ServerResponse): AbortSignal {
  const aborter = new AbortController();
  // Only then: an abort per finished response would cost a DOMException each.
  res.once('close', () => {
    if (!res.writableFinished) aborter.abort();
  });
  return aborter.signal;
}

/** The BFF's answer to a request it owns: a route's, or the API's through the forwarder. */
async function answerOwned(routes: NodeRoutes, req: IncomingMessage, res: ServerResponse, url: URL, kind: 'bff' | 'api'): Promise<Response | undefined> {
  let request: Request;
  try {
    request = toRequest(req, url, kind === 'bff' ? clientGone(res) : undefined);
  } catch {
    return json(400, { error: 'invalid_request', message: 'the request could not be read (malformed headers)' });
  }
  const routed = await routes.route(request);
  return routed instanceof Response ? routed : routes.forwarder.forward(routed, req, res);
}

/**
 * The BFF as node:http / Connect / Express middleware around its web handler: paths it does not
 * own go to `next()` (or get a 404 without one). API calls go out over node:http (see
 * {@link NodeForwarder}). Mount it before any body parser, so a proxied body is still there to stream.
 */
export function nodeHandler(routes: NodeRoutes): (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => Promise<void> {
  return async (req, res, next) => {
    const url = requestUrl(req, routes.baseUrl);
    const kind = routes.kind(url.pathname);
    if (!kind && next) return next();
    const response = kind ? await answerOwned(routes, req, res, url, kind) : json(404, { error: 'not_found', message: `nothing at ${url.pathname}` });
    // A client that went away mid-body ends the pipeline with an error: nothing is left to tell it.
    if (response) await writeResponse(res, response).catch(() => res.destroy());
  };
}
