/**
 * `bff.node` behind a real node:http server on 127.0.0.1, seen as a `{ fetch(request) }` like
 * `bff.fetch`: the proxy's tests run through both adapters (fetch forwards with fetch, node with
 * node:http). Requests to 127.0.0.1 pass MSW through; the APIs behind the BFF stay mocked.
 */
import { once } from 'node:events';
import { createServer, request as send, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { http, passthrough } from 'msw';
import { afterEach } from 'vitest';
import type { Bff } from '../index.js';
import { server as msw } from './fixtures.js';

export type Adapter = 'fetch' | 'node';

const servers: Server[] = [];

/** Stops the servers {@link viaAdapter} started, after each test of the file. */
export function useNodeServers(): void {
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });
}

/** The BFF as `adapter` answers it: `bff.fetch` itself, or `bff.node` on a server of its own. */
export async function viaAdapter(bff: Bff, adapter: Adapter): Promise<{ fetch(request: Request): Promise<Response> }> {
  if (adapter === 'fetch') return bff;
  msw.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
  const s = createServer((req, res) => void bff.node(req, res));
  servers.push(s);
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return { fetch: (request) => overHttp(origin, request) };
}

/**
 * Sends a web `Request` to `origin` with node:http, as a browser would send it: fetch refuses
 * to send hop-by-hop headers (`Connection`, `Keep-Alive`, `TE`…), which the proxy tests send.
 */
function overHttp(origin: string, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const headers: IncomingHttpHeaders = {};
  // node:http refuses to send `Trailer` without a chunked body; the fetch adapter's run covers it.
  for (const [name, value] of request.headers) if (name !== 'trailer') headers[name] = value;
  return new Promise((resolve, reject) => {
    const req = send(`${origin}${url.pathname}${url.search}`, { method: request.method, headers }, (res) => {
      const answer = new Headers();
      for (let i = 0; i < res.rawHeaders.length; i += 2) answer.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
      const empty = [204, 304].includes(res.statusCode ?? 0) || request.method === 'HEAD';
      resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status: res.statusCode ?? 0, headers: answer }));
    });
    req.on('error', reject);
    if (request.body) Readable.fromWeb(request.body as NodeReadableStream).pipe(req);
    else req.end();
  });
}
