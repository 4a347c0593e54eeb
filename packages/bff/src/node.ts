import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
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

/** A web `Request` of a node:http request, its body streamed, aborted when the client goes away. */
function toRequest(req: IncomingMessage, url: URL, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    signal,
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

/**
 * The BFF as node:http / Connect / Express middleware around its web handler: paths it does not
 * own go to `next()` (or get a 404 without one). Mount it before any body parser, so a proxied
 * body is still there to stream.
 */
export function nodeHandler(
  baseUrl: URL,
  owns: (pathname: string) => boolean,
  handle: (request: Request) => Promise<Response>,
): (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => Promise<void> {
  return async (req, res, next) => {
    const url = requestUrl(req, baseUrl);
    if (!owns(url.pathname)) {
      if (next) next();
      else await writeResponse(res, json(404, { error: 'not_found', message: `nothing at ${url.pathname}` }));
      return;
    }
    const aborter = new AbortController();
    // Only a client that went away before the answer was sent aborts the work (an abort per
    // finished response would cost a DOMException each).
    res.once('close', () => {
      if (!res.writableFinished) aborter.abort();
    });
    let request: Request;
    try {
      request = toRequest(req, url, aborter.signal);
    } catch {
      await writeResponse(res, json(400, { error: 'invalid_request', message: 'the request could not be read (malformed headers)' }));
      return;
    }
    // A client that went away mid-body ends the pipeline with an error: nothing is left to tell it.
    await writeResponse(res, await handle(request)).catch(() => res.destroy());
  };
}
