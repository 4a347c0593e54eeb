import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API, body, Browser, mockAuthServer, server, signIn, testBff, useMsw, type MockAuthServer } from './fixtures.js';
import { useNodeServers, viaAdapter, type Adapter } from './nodeAdapter.js';

useMsw();
useNodeServers();

let as: MockAuthServer;
/** Every request the mock API received. */
let calls: Request[];

beforeEach(async () => {
  as = await mockAuthServer();
  calls = [];
  server.use(
    http.all(`${API}/*`, async ({ request }) => {
      calls.push(request.clone());
      const url = new URL(request.url);
      return HttpResponse.json(
        { path: url.pathname + url.search, method: request.method, authorization: request.headers.get('authorization'), body: request.body ? await request.text() : null },
        { headers: { 'x-api': 'yes' } },
      );
    }),
  );
});
afterEach(() => vi.useRealTimers());

describe.each<Adapter>(['fetch', 'node'])('the API proxy through bff.%s', (adapter) => {
  async function signedIn(options: Parameters<typeof testBff>[0] = {}) {
    const made = testBff(options);
    const browser = new Browser(await viaAdapter(made.bff, adapter));
    await signIn(browser, as);
    return { ...made, browser };
  }

  it('forwards to the target with the prefix replaced and the access token attached', async () => {
    const { browser } = await signedIn();
    const response = await browser.app('/api/notes/5?x=1&y=%20');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-api')).toBe('yes');
    expect(await body(response)).toMatchObject({ path: '/v1/notes/5?x=1&y=%20', method: 'GET', authorization: 'Bearer at-1' });
    const root = await body(await browser.app('/api/notes'));
    expect(root.path).toBe('/v1/notes');
  });

  it('matches at a / boundary only: /api/notesx is not the BFF’s (404 from fetch), and reaches no API', async () => {
    const { browser } = await signedIn();
    const response = await browser.app('/api/notesx');
    expect(response.status).toBe(404);
    expect((await browser.app('/elsewhere')).status).toBe(404);
    expect(calls).toHaveLength(0);
  });

  it('strips browser cookies, the CSRF header, hop-by-hop headers and the browser’s own Authorization', async () => {
    const { browser } = await signedIn();
    await browser.app('/api/notes', {
      headers: {
        accept: 'application/json',
        'x-trace': 't-1',
        authorization: 'Bearer stolen',
        connection: 'keep-alive, x-secret-hop',
        'keep-alive': 'timeout=5',
        'x-secret-hop': 'x',
        'proxy-authorization': 'Basic x',
        te: 'trailers',
        trailer: 'x-t',
        upgrade: 'websocket',
      },
    });
    const [sent] = calls;
    const names = [...sent!.headers.keys()];
    expect(sent!.headers.get('accept')).toBe('application/json');
    expect(sent!.headers.get('x-trace')).toBe('t-1');
    expect(sent!.headers.get('authorization')).toBe('Bearer at-1');
    for (const name of ['cookie', 'x-csrf', 'keep-alive', 'x-secret-hop', 'proxy-authorization', 'te', 'trailer', 'upgrade']) expect(names).not.toContain(name);
    // node:http says `Connection: keep-alive` of its own connection to the API; never the browser's.
    expect(sent!.headers.get('connection') ?? '').not.toContain('x-secret-hop');
  });

  it('streams a request body through, method and content type kept', async () => {
    const { browser } = await signedIn();
    const chunks = ['{"title":', '"hello"}'];
    const stream = new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const response = await browser.app('/api/notes', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(await body(response)).toMatchObject({ method: 'PUT', body: '{"title":"hello"}' });
    expect(calls[0]!.headers.get('content-type')).toBe('application/json');
  });

  it('passes the API’s status, headers and body through (a 401 too), without its Set-Cookie', async () => {
    server.use(
      http.get(`${API}/v1/notes/denied`, () =>
        HttpResponse.json({ error: 'invalid_token' }, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"', 'set-cookie': '__Host-bff-session=evil; Path=/' } }),
      ),
      http.get(`${API}/v1/notes/empty`, () => new HttpResponse(null, { status: 204, headers: { connection: 'close', 'keep-alive': 'timeout=1' } })),
    );
    const { browser } = await signedIn();
    const denied = await browser.app('/api/notes/denied');
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(denied.headers.getSetCookie()).toEqual([]);
    expect(await body(denied)).toEqual({ error: 'invalid_token' });
    const empty = await browser.app('/api/notes/empty');
    expect(empty.status).toBe(204);
    // The API's own: bff.node's server sends a Keep-Alive of its own, about its own connection.
    expect(empty.headers.get('keep-alive') ?? '').not.toContain('timeout=1');
    expect(empty.headers.get('connection') ?? '').not.toContain('close');
    expect((await browser.app('/bff/user')).status).toBe(200);
  });

  it('streams the response body', async () => {
    let more!: () => void;
    const gate = new Promise<void>((resolve) => (more = resolve));
    server.use(
      http.get(`${API}/v1/notes/stream`, () => {
        const stream = new ReadableStream({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode('first '));
            await gate;
            controller.enqueue(new TextEncoder().encode('second'));
            controller.close();
          },
        });
        return new HttpResponse(stream, { headers: { 'content-type': 'text/plain' } });
      }),
    );
    const { browser } = await signedIn();
    const response = await browser.app('/api/notes/stream');
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first ');
    more();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('second');
  });

  it('answers 502 with a message when the API cannot be reached, and reports the cause to onError', async () => {
    server.use(http.get(`${API}/v1/notes/down`, () => HttpResponse.error()));
    const reported: unknown[] = [];
    const { browser } = await signedIn({ onError: (error) => reported.push(error) });
    const response = await browser.app('/api/notes/down');
    expect(response.status).toBe(502);
    expect(await body(response)).toEqual({ error: 'bad_gateway', message: `the API at ${API} could not be reached` });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(TypeError);
  });

  it('needs the CSRF header: 403 and no call to the API, for every method', async () => {
    const { browser } = await signedIn();
    for (const method of ['GET', 'POST', 'DELETE']) {
      const response = await browser.fetch('/api/notes/1', { method });
      expect(response.status).toBe(403);
    }
    expect(calls).toHaveLength(0);
  });

  it('answers 401 without a session, calling no API', async () => {
    const { bff } = testBff();
    const response = await new Browser(await viaAdapter(bff, adapter)).app('/api/notes');
    expect(response.status).toBe(401);
    expect(await body(response)).toMatchObject({ error: 'login_required' });
    expect(calls).toHaveLength(0);
  });

  it('refuses encoded slashes that could climb out of the target path', async () => {
    const { browser } = await signedIn();
    for (const path of ['/api/notes/..%2F..%2Fadmin', '/api/notes/%5c..%5cadmin']) expect((await browser.app(path)).status).toBe(400);
    expect(calls).toHaveLength(0);
  });

  it('resolves dot segments before matching, so ../ cannot reach another path', async () => {
    const { bff } = await signedIn();
    const response = await bff.fetch(new Request('https://app.example/api/notes/../../admin', { headers: { 'x-csrf': '1' } }));
    expect(response.status).toBe(404);
    expect(calls).toHaveLength(0);
  });

  it('forwards only to the configured target: the longest matching path wins', async () => {
    server.use(http.get('https://tags.example/*', ({ request }) => HttpResponse.json({ tags: new URL(request.url).pathname })));
    const { browser } = await signedIn({ apis: [{ path: '/api/notes', target: `${API}/v1/notes` }, { path: '/api/notes/tags', target: 'https://tags.example/t' }] });
    expect(await body(await browser.app('/api/notes/tags/1'))).toEqual({ tags: '/t/1' });
    expect(await body(await browser.app('/api/notes/tagsx'))).toMatchObject({ path: '/v1/notes/tagsx' });
  });
});
