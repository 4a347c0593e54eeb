import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { http, passthrough } from 'msw';
import { EventEmitter } from 'node:events';
import type { ClientRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bff, BffOptions } from '../index.js';
import { armConnectTimeout, createNodeForwarder } from '../nodeForward.js';
import { memoryStore } from '../stores/memory.js';
import { Browser, mockAuthServer, server, signIn, testBff, useMsw, type MockAuthServer } from './fixtures.js';

useMsw();

const servers: Server[] = [];
async function listen(handler: RequestListener): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** When the local API saw the BFF's request to /notes/hang or /notes/silent go away. */
let closedAt: number | undefined;
/** The paths the local API was called at. */
const apiCalls: string[] = [];

/** A local API: gzip, a slow stream, one that never ends, one that never answers, and an echo of the request body and headers. */
function upstream(req: IncomingMessage, res: ServerResponse): void {
  apiCalls.push(req.url ?? '');
  if (req.url === '/notes/hang' || req.url === '/notes/silent') {
    if (req.url === '/notes/hang') res.writeHead(200, { 'content-type': 'text/plain' }).write('started ');
    res.once('close', () => (closedAt = Date.now()));
  } else if (req.url === '/notes/gz') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync('decoded text'));
  } else if (req.url === '/notes/slow') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('one ');
    setTimeout(() => res.end('two'), 50);
  } else {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, size: Buffer.concat(chunks).length, headers: req.headers })));
  }
}

let as: MockAuthServer;
beforeEach(async () => {
  server.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
  as = await mockAuthServer();
});
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A node:http app with the BFF mounted (its API at `api`, the local one by default), a signed-in cookie header for it, and the BFF. */
async function app(overrides: Partial<BffOptions> = {}, api?: string): Promise<{ url: string; cookie: string; bff: Bff; nexts: string[] }> {
  api ??= await listen(upstream);
  const { bff } = testBff({ apis: [{ path: '/api/notes', target: `${api}/notes` }], ...overrides });
  const browser = new Browser(bff);
  await signIn(browser, as);
  const nexts: string[] = [];
  const url = await listen((req, res) => {
    void bff.node(req, res, () => {
      nexts.push(req.url ?? '');
      res.end('the app');
    });
  });
  return { url, bff, nexts, cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
}

describe('bff.node', () => {
  it('hands paths it does not own to next(), and answers its own', async () => {
    const { url, nexts, cookie } = await app();
    expect(await (await fetch(`${url}/notes`)).text()).toBe('the app');
    expect(await (await fetch(`${url}/api/notesx`)).text()).toBe('the app');
    expect(nexts).toEqual(['/notes', '/api/notesx']);
    const user = await fetch(`${url}/bff/user`, { headers: { cookie, 'x-csrf': '1' } });
    expect(user.status).toBe(200);
    expect(((await user.json()) as { user: { sub: string } }).user.sub).toBe('user-1');
  });

  it('answers 404 for paths it does not own when there is no next', async () => {
    const { bff } = testBff();
    const url = await listen((req, res) => void bff.node(req, res));
    const response = await fetch(`${url}/anything`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
  });

  it('reads Express’s originalUrl under a mount point, and ignores an absolute-form host', async () => {
    const { bff } = testBff();
    const url = await listen((req, res) => {
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url ?? '/';
      req.url = '/';
      void bff.node(req, res, () => res.end('next'));
    });
    expect((await fetch(`${url}/bff/user`, { headers: { 'x-csrf': '1' } })).status).toBe(401);
  });

  it('sets several cookies on a node response (callback: session and login cookies)', async () => {
    const { bff } = testBff();
    const url = await listen((req, res) => void bff.node(req, res));
    const login = await fetch(`${url}/bff/login?returnTo=/x`, { redirect: 'manual' });
    const loginCookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const callback = as.authorize(login.headers.get('location') as string);
    const response = await fetch(`${url}${callback.pathname}${callback.search}`, { redirect: 'manual', headers: { cookie: loginCookie } });
    expect(response.status).toBe(303);
    expect(response.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(['__Host-bff-session', '__Host-bff-login']);
  });

  it('streams a large request body to the API and the API’s response back', async () => {
    const { url, cookie } = await app();
    const big = new Uint8Array(3 * 1024 * 1024).fill(97);
    const response = await fetch(`${url}/api/notes/upload?x=1`, { method: 'POST', headers: { cookie, 'x-csrf': '1', 'content-type': 'application/octet-stream' }, body: big });
    const json = (await response.json()) as { url: string; size: number; headers: Record<string, string> };
    expect(json).toMatchObject({ url: '/notes/upload?x=1', size: big.length });
    expect(json.headers.authorization).toBe('Bearer at-1');
    expect(json.headers.cookie).toBeUndefined();
    expect(json.headers['x-csrf']).toBeUndefined();
    const slow = await fetch(`${url}/api/notes/slow`, { headers: { cookie, 'x-csrf': '1' } });
    expect(await slow.text()).toBe('one two');
  });

  it('answers a client that sends Expect: 100-continue (as curl does for large bodies), not forwarding it', async () => {
    const { url, cookie } = await app();
    const target = new URL(`${url}/api/notes/upload`);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(target, { method: 'POST', headers: { cookie, 'x-csrf': '1', expect: '100-continue', 'content-length': '5' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.on('continue', () => req.end('hello'));
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ size: 5 });
    expect(JSON.parse(answer.body).headers.expect).toBeUndefined();
  });

  it('passes a compressed response on as the API sent it, and the browser’s Accept-Encoding to the API', async () => {
    const { url, cookie } = await app();
    const raw = await new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
      request(`${url}/api/notes/gz`, { headers: { cookie, 'x-csrf': '1', 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    expect(raw.encoding).toBe('gzip');
    expect(gunzipSync(raw.bytes).toString()).toBe('decoded text');
    const echo = (await (await fetch(`${url}/api/notes/echo`, { headers: { cookie, 'x-csrf': '1', 'accept-encoding': 'br' } })).json()) as { headers: Record<string, string> };
    expect(echo.headers['accept-encoding']).toBe('br');
  });

  it('answers 502 when the API refuses the connection, and reports the cause to onError', async () => {
    const closed = await listen(upstream);
    const port = new URL(closed).port;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const reported: unknown[] = [];
    const { url, cookie } = await app({ onError: (error) => reported.push(error) }, closed);
    const response = await fetch(`${url}/api/notes`, { headers: { cookie, 'x-csrf': '1' } });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'bad_gateway', message: `the API at http://127.0.0.1:${port} could not be reached` });
    expect(reported).toMatchObject([{ code: 'ECONNREFUSED' }]);
  });

  it.each([
    ['mid-answer', '/notes/hang'],
    ['before the API answers', '/notes/silent'],
  ])('ends the call to the API when the browser goes away %s', async (_, path) => {
    const { url, cookie } = await app();
    closedAt = undefined;
    apiCalls.length = 0;
    const leftAt = await new Promise<number>((resolve) => {
      const req = request(`${url}/api${path}`, { headers: { cookie, 'x-csrf': '1' } }, (res) => res.once('data', leave));
      function leave() {
        req.destroy();
        resolve(Date.now());
      }
      req.on('error', () => undefined).end();
      // Leave once the BFF has called the API (not after a fixed time: a slow BFF would rightly not call it at all).
      if (path === '/notes/silent') void expect.poll(() => apiCalls.includes(path), { timeout: 5_000 }).toBe(true).then(leave);
    });
    await expect.poll(() => closedAt, { timeout: 2_000 }).toBeDefined();
    expect(closedAt! - leftAt).toBeLessThan(1_000);
  });


  it('refuses to forward a body a parser mounted before it already read: 500, the reason to onError, no API call', async () => {
    const api = await listen(upstream);
    const reported: unknown[] = [];
    const { bff, cookie } = await app({ onError: (error) => reported.push(error) }, api);
    const url = await listen((req, res) => {
      req.resume(); // a body parser in front of the BFF
      req.once('end', () => void bff.node(req, res));
    });
    apiCalls.length = 0;
    const response = await fetch(`${url}/api/notes/echo`, { method: 'POST', headers: { cookie, 'x-csrf': '1', 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(response.status).toBe(500);
    expect(String(reported[0])).toContain('mount bff.node before any body parser');
    expect(apiCalls).toEqual([]);
  });

  it('calls no API when the browser went away while the call was being authorised', async () => {
    const store = memoryStore();
    let slow = false;
    const { url, cookie } = await app({ store: { ...store, get: async (key) => (slow && (await new Promise((r) => setTimeout(r, 300))), store.get(key)) } });
    slow = true;
    apiCalls.length = 0;
    const req = request(`${url}/api/notes/echo`, { headers: { cookie, 'x-csrf': '1' } });
    req.on('error', () => undefined).end();
    setTimeout(() => req.destroy(), 50);
    await new Promise((r) => setTimeout(r, 600));
    expect(apiCalls).toEqual([]);
  });
});

describe('createNodeForwarder', () => {
  it('answers 504 when the API sends nothing within its timeout, and reports why', async () => {
    const silent = await listen(() => undefined);
    const reported: unknown[] = [];
    const forwarder = createNodeForwarder((error) => reported.push(error), { idleMs: 100 });
    const target = new URL(`${silent}/notes`);
    const url = await listen(async (req, res) => {
      const answer = await forwarder.forward({ method: 'GET', target, headers: () => [] }, req, res);
      if (answer) res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    });
    const response = await fetch(url);
    forwarder.close();
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({ error: 'gateway_timeout', message: `the API at ${target.origin} did not answer in time` });
    expect(String(reported[0])).toContain(`the call to the API at ${target.origin} was idle for 100 ms`);
  });
});

describe('armConnectTimeout', () => {
  const pending = () => Object.assign(new EventEmitter(), { connecting: true });

  it('gives up on a socket still connecting after the time, not on one that connected or a kept-alive one', () => {
    vi.useFakeTimers();
    try {
      const fail = vi.fn();
      const calls = [new EventEmitter(), new EventEmitter(), new EventEmitter()];
      for (const call of calls) armConnectTimeout(call as ClientRequest, 100, () => fail(calls.indexOf(call)));
      const [stuck, connected, reused] = [pending(), pending(), Object.assign(new EventEmitter(), { connecting: false })];
      calls[0]!.emit('socket', stuck);
      calls[1]!.emit('socket', connected);
      calls[2]!.emit('socket', reused);
      vi.advanceTimersByTime(50);
      connected.emit('connect');
      vi.advanceTimersByTime(99);
      expect(fail.mock.calls).toEqual([[0]]);
    } finally {
      vi.useRealTimers();
    }
  });
});
