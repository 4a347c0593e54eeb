// The browser's client of a Backend for Frontend, against a BFF mocked at the fetch boundary
// (MSW): which routes it calls, with which headers, and what the state does with each answer.
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBffClient, type BffClientOptions } from '../bff/createBffClient.js';
import { isAuthError } from '../errors.js';
import type { AuthClient, AuthState } from '../types.js';
import { APP, liveClients } from './fixtures.js';
import { server } from './msw.js';

const ADA = { sub: 'user-1', name: 'Ada' };
const END_SESSION = 'https://auth.example.com/session/end?id_token_hint=x';

interface Call {
  method: string;
  url: string;
  csrf: string | null;
  credentials: RequestCredentials;
  cookieHeader: string | null;
  body: string;
}

type Answer = () => Response | Promise<Response>;

/**
 * A BFF at `origin`: `/bff/user`, `/bff/logout` and a proxied `/api/notes`, each answering what
 * the test says (default: signed in as Ada, a redirectTo, 200), recording every request.
 */
function fakeBff(answers: { user?: Answer; logout?: Answer; api?: Answer } = {}, origin = APP) {
  const calls: Call[] = [];
  const record = async (request: Request) =>
    void calls.push({
      method: request.method,
      url: request.url,
      csrf: request.headers.get('x-csrf'),
      credentials: request.credentials,
      cookieHeader: request.headers.get('cookie'),
      body: await request.text(),
    });
  server.use(
    http.get(`${origin}/bff/user`, async ({ request }) => {
      await record(request);
      return answers.user ? answers.user() : HttpResponse.json({ user: ADA, expiresAt: Date.now() + 3_600_000 });
    }),
    http.post(`${origin}/bff/logout`, async ({ request }) => {
      await record(request);
      return answers.logout ? answers.logout() : HttpResponse.json({ redirectTo: END_SESSION });
    }),
    http.all(`${origin}/api/notes*`, async ({ request }) => {
      await record(request);
      return answers.api ? answers.api() : HttpResponse.json([{ id: 1 }]);
    }),
  );
  const paths = () => calls.map((c) => `${c.method} ${new URL(c.url).pathname}`);
  return { calls, paths };
}

function makeBffClient(options: BffClientOptions = {}): { client: AuthClient; navigations: string[] } {
  const navigations: string[] = [];
  const client = createBffClient({ navigate: (url) => void navigations.push(url), ...options });
  liveClients.add(client);
  return { client, navigations };
}

/** Resolves once the client leaves `loading`. */
const settled = (client: AuthClient) => vi.waitFor(() => expect(client.getState().status).not.toBe('loading'));

/** Every state the client shows from now on. */
function statesOf(client: AuthClient): AuthState['status'][] {
  const seen: AuthState['status'][] = [];
  client.subscribe(() => seen.push(client.getState().status));
  return seen;
}

function deferred() {
  let release!: (response: Response) => void;
  const answer = new Promise<Response>((resolve) => (release = resolve));
  return { answer: () => answer, release };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

afterEach(() => {
  window.history.replaceState(null, '', '/');
});

describe('createBffClient: the first state', () => {
  it('is loading until GET /bff/user answers (one request, CSRF header, cookies), then authenticated with its user and no tokens', async () => {
    const bff = fakeBff();
    const { client } = makeBffClient();
    expect(client.getState()).toEqual({ status: 'loading', user: null, tokens: null, error: null });
    const states = statesOf(client);
    client.getState();
    client.subscribe(() => undefined);
    await settled(client);
    expect(client.getState()).toEqual({ status: 'authenticated', user: ADA, tokens: null, error: null });
    expect(states).toEqual(['authenticated']);
    await tick();
    expect(bff.calls).toHaveLength(1);
    expect(bff.calls[0]).toMatchObject({ method: 'GET', url: `${APP}/bff/user`, csrf: '1', credentials: 'include' });
  });

  it('401 is unauthenticated, with no error', async () => {
    fakeBff({ user: () => new HttpResponse(null, { status: 401 }) });
    const { client } = makeBffClient();
    await settled(client);
    expect(client.getState()).toEqual({ status: 'unauthenticated', user: null, tokens: null, error: null });
  });

  it('a network failure is the error state with network_error', async () => {
    fakeBff({ user: () => HttpResponse.error() });
    const { client } = makeBffClient();
    await settled(client);
    expect(client.getState()).toMatchObject({ status: 'error', user: null, error: { code: 'network_error' } });
    expect(client.getState().error?.message).toContain(`GET ${APP}/bff/user`);
  });

  it('a 5xx is the error state with network_error and its status', async () => {
    fakeBff({ user: () => new HttpResponse('down', { status: 503 }) });
    const { client } = makeBffClient();
    await settled(client);
    expect(client.getState()).toMatchObject({ status: 'error', error: { code: 'network_error', status: 503 } });
  });

  it('an app server answering index.html (no BFF mounted) or a 404 is invalid_config, never authenticated', async () => {
    fakeBff({ user: () => new HttpResponse('<!doctype html><div id="root"></div>', { headers: { 'content-type': 'text/html' } }) });
    const first = makeBffClient();
    await settled(first.client);
    expect(first.client.getState()).toMatchObject({ status: 'error', user: null, error: { code: 'invalid_config' } });
    expect(first.client.getState().error?.message).toContain('mounted at /bff');

    fakeBff({ user: () => HttpResponse.json({ user: { name: 'no sub' }, expiresAt: 1 }) });
    const second = makeBffClient();
    await settled(second.client);
    expect(second.client.getState()).toMatchObject({ status: 'error', error: { code: 'invalid_config' } });

    fakeBff({ user: () => new HttpResponse(null, { status: 404 }) });
    const third = makeBffClient();
    await settled(third.client);
    expect(third.client.getState()).toMatchObject({ status: 'error', error: { code: 'invalid_config', status: 404 } });
  });

  it('baseUrl puts every route on that origin; a path, a non-URL or plain http off loopback is invalid_config', async () => {
    const bff = fakeBff({}, 'https://app.example.com');
    const { client } = makeBffClient({ baseUrl: 'https://app.example.com' });
    await settled(client);
    expect(client.getState().status).toBe('authenticated');
    expect(bff.calls.map((c) => c.url)).toEqual(['https://app.example.com/bff/user']);
    for (const baseUrl of ['https://app.example.com/app', 'https://app.example.com/?x=1', 'http://app.example.com', 'app.example.com', '']) {
      expect(() => createBffClient({ baseUrl }), baseUrl).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    }
    fakeBff({}, 'http://127.0.0.1:5173');
    expect(() => makeBffClient({ baseUrl: 'http://127.0.0.1:5173/' })).not.toThrow();
  });
});

describe('createBffClient: login()', () => {
  it('navigates to /bff/login with returnTo, by default the current path, search and hash', async () => {
    fakeBff({ user: () => new HttpResponse(null, { status: 401 }) });
    window.history.replaceState(null, '', '/notes/7?tab=all#top');
    const { client, navigations } = makeBffClient();
    await client.login();
    await client.login({ returnTo: '/settings?x=1' });
    await client.login({ returnTo: `${APP}/notes` });
    expect(navigations.map((url) => [new URL(url).origin + new URL(url).pathname, new URL(url).searchParams.get('returnTo')])).toEqual([
      [`${APP}/bff/login`, '/notes/7?tab=all#top'],
      [`${APP}/bff/login`, '/settings?x=1'],
      [`${APP}/bff/login`, '/notes'],
    ]);
    expect(navigations[0]).toBe(`${APP}/bff/login?returnTo=%2Fnotes%2F7%3Ftab%3Dall%23top`);
  });

  it('refuses a hostile returnTo with invalid_return_to and navigates nowhere', async () => {
    fakeBff();
    const { client, navigations } = makeBffClient();
    for (const returnTo of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)', 'http://localhost:3001/']) {
      await expect(client.login({ returnTo }), returnTo).rejects.toMatchObject({ code: 'invalid_return_to' });
    }
    expect(navigations).toEqual([]);
  });

  it('never returns to a BFF route (its answer is spent): /bff/… becomes /', async () => {
    fakeBff();
    const { client, navigations } = makeBffClient();
    await client.login({ returnTo: '/bff/callback?code=x&state=y' });
    await client.login({ returnTo: '/bffnotes' });
    expect(navigations.map((url) => new URL(url).searchParams.get('returnTo'))).toEqual(['/', '/bffnotes']);
  });

  it('is single-flight: concurrent calls share one navigation', async () => {
    fakeBff();
    const { client, navigations } = makeBffClient();
    const first = client.login({ returnTo: '/a' });
    const second = client.login({ returnTo: '/b' });
    expect(second).toBe(first);
    await Promise.all([first, second]);
    expect(navigations).toEqual([`${APP}/bff/login?returnTo=%2Fa`]);
  });

  it('login({ params }) is invalid_config: the BFF builds the authorization request', async () => {
    fakeBff();
    const { client, navigations } = makeBffClient();
    await expect(client.login({ params: { prompt: 'login' } })).rejects.toMatchObject({ code: 'invalid_config' });
    await client.login({ params: {} });
    expect(navigations).toHaveLength(1);
  });
});

describe('createBffClient: logout()', () => {
  it('is unauthenticated at once, POSTs /bff/logout with the CSRF header and cookies, then navigates to redirectTo', async () => {
    const logoutAnswer = deferred();
    const bff = fakeBff({ logout: logoutAnswer.answer });
    const { client, navigations } = makeBffClient();
    await settled(client);
    const done = client.logout();
    expect(client.getState()).toEqual({ status: 'unauthenticated', user: null, tokens: null, error: null });
    await vi.waitFor(() => expect(bff.paths()).toEqual(['GET /bff/user', 'POST /bff/logout']));
    expect(navigations).toEqual([]);
    logoutAnswer.release(HttpResponse.json({ redirectTo: END_SESSION }));
    await done;
    expect(navigations).toEqual([END_SESSION]);
    expect(bff.calls[1]).toMatchObject({ csrf: '1', credentials: 'include' });
    expect(client.getState().error).toBeNull();
  });

  it('follows only http(s) redirectTo values: javascript: is not followed and says so', async () => {
    fakeBff({ logout: () => HttpResponse.json({ redirectTo: 'javascript:alert(document.cookie)' }) });
    const { client, navigations } = makeBffClient();
    await settled(client);
    await client.logout();
    expect(navigations).toEqual([]);
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', error: { code: 'invalid_config' } });
  });

  it('a relative redirectTo resolves against the BFF; none at all navigates nowhere without an error', async () => {
    fakeBff({ logout: () => HttpResponse.json({ redirectTo: '/signed-out' }) });
    const first = makeBffClient();
    await settled(first.client);
    await first.client.logout();
    expect(first.navigations).toEqual([`${APP}/signed-out`]);

    fakeBff({ logout: () => HttpResponse.json({}) });
    const second = makeBffClient();
    await settled(second.client);
    await second.client.logout();
    expect(second.navigations).toEqual([]);
    expect(second.client.getState()).toMatchObject({ status: 'unauthenticated', error: null });
  });

  it('when the BFF cannot be reached it is still unauthenticated here, says network_error and navigates nowhere', async () => {
    fakeBff({ logout: () => HttpResponse.error() });
    const { client, navigations } = makeBffClient();
    await settled(client);
    await expect(client.logout()).resolves.toBeUndefined();
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', error: { code: 'network_error' } });
    expect(navigations).toEqual([]);
  });

  it('localOnly ends the BFF session without navigating; returnTo is invalid_config and sends nothing', async () => {
    const bff = fakeBff();
    const { client, navigations } = makeBffClient();
    await settled(client);
    await client.logout({ localOnly: true });
    expect(bff.paths()).toEqual(['GET /bff/user', 'POST /bff/logout']);
    expect(navigations).toEqual([]);
    await expect(client.logout({ returnTo: '/bye' })).rejects.toMatchObject({ code: 'invalid_config' });
    expect(bff.paths()).toHaveLength(2);
  });

  it('wins over a login started while it is on its way (a guard reacting to the ended session)', async () => {
    const logoutAnswer = deferred();
    fakeBff({ logout: logoutAnswer.answer });
    const { client, navigations } = makeBffClient();
    await settled(client);
    const logout = client.logout();
    expect(client.getState().status).toBe('unauthenticated');
    const racing = client.login({ returnTo: '/notes' });
    await tick();
    expect(navigations).toEqual([]);
    logoutAnswer.release(HttpResponse.json({ redirectTo: END_SESSION }));
    await Promise.all([logout, racing]);
    expect(navigations).toEqual([END_SESSION]);
  });

  it('a logout that navigated nowhere (no session at the BFF) lets the racing login go on', async () => {
    const logoutAnswer = deferred();
    fakeBff({ logout: logoutAnswer.answer });
    const { client, navigations } = makeBffClient();
    await settled(client);
    const logout = client.logout();
    const racing = client.login({ returnTo: '/notes' });
    logoutAnswer.release(new HttpResponse(null, { status: 401 }));
    await Promise.all([logout, racing]);
    expect(navigations).toEqual([`${APP}/bff/login?returnTo=%2Fnotes`]);
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', error: null });
  });

  it('an answer to a /bff/user read that started before the logout does not sign the person back in', async () => {
    const userAnswer = deferred();
    fakeBff({ user: userAnswer.answer });
    const { client } = makeBffClient();
    await client.logout({ localOnly: true });
    userAnswer.release(HttpResponse.json({ user: ADA, expiresAt: Date.now() + 60_000 }));
    await tick();
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', user: null });
  });
});

describe('createBffClient: fetch()', () => {
  it('sends X-CSRF: 1 and the cookies to the BFF origin, keeping method, headers and body; relative URLs resolve against the page', async () => {
    const bff = fakeBff();
    const { client } = makeBffClient();
    await settled(client);
    const response = await client.fetch('/api/notes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}', credentials: 'omit' });
    expect(response.status).toBe(200);
    const sent = bff.calls.at(-1);
    expect(sent).toMatchObject({ method: 'POST', url: `${APP}/api/notes`, csrf: '1', credentials: 'include', body: '{"text":"hi"}' });
    await client.fetch(new Request(`${APP}/api/notes/5?x=1`));
    expect(bff.calls.at(-1)).toMatchObject({ method: 'GET', url: `${APP}/api/notes/5?x=1`, csrf: '1', credentials: 'include' });
    expect(client.getState().status).toBe('authenticated');
  });

  it('rejects invalid_config for another origin and sends nothing there', async () => {
    const bff = fakeBff();
    const elsewhere = fakeBff({}, 'https://api.example.com');
    const seen: Request[] = [];
    const { client } = makeBffClient({ fetch: (input, init) => (seen.push(new Request(input, init)), globalThis.fetch(input, init)) });
    await settled(client);
    for (const url of ['https://api.example.com/api/notes', 'http://localhost:3001/api/notes', new URL('https://api.example.com/api/notes')]) {
      await expect(client.fetch(url)).rejects.toMatchObject({ code: 'invalid_config' });
    }
    await expect(client.fetch(new Request('https://api.example.com/api/notes'))).rejects.toSatisfy((e) => isAuthError(e, 'invalid_config'));
    expect(elsewhere.calls).toEqual([]);
    expect(seen.map((r) => r.url)).toEqual([`${APP}/bff/user`]);
    expect(bff.calls).toHaveLength(1);
  });

  it('a 401 answer makes the state unauthenticated and is returned as it came', async () => {
    fakeBff({ api: () => HttpResponse.json({ error: 'no session' }, { status: 401 }) });
    const { client } = makeBffClient();
    await settled(client);
    const states = statesOf(client);
    const response = await client.fetch('/api/notes');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'no session' });
    expect(states).toEqual(['unauthenticated']);
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', user: null, error: null });
  });

  it('any other answer (403, 500) leaves the state alone', async () => {
    let status = 403;
    fakeBff({ api: () => new HttpResponse(null, { status }) });
    const { client } = makeBffClient();
    await settled(client);
    expect((await client.fetch('/api/notes')).status).toBe(403);
    status = 500;
    expect((await client.fetch('/api/notes')).status).toBe(500);
    expect(client.getState().status).toBe('authenticated');
  });
});

describe('createBffClient: no tokens in the browser', () => {
  it('getAccessToken, getAuthHeaders and handleCallback reject invalid_config, saying tokens stay on the server, and send nothing', async () => {
    const bff = fakeBff();
    const { client } = makeBffClient();
    await settled(client);
    for (const call of [() => client.getAccessToken(), () => client.getAuthHeaders({ url: `${APP}/api/notes` }), () => client.handleCallback(`${APP}/callback?code=x&state=y`)]) {
      const error = await call().catch((e: unknown) => e);
      expect(isAuthError(error, 'invalid_config')).toBe(true);
      expect((error as Error).message).toContain('tokens stay on the BFF');
    }
    expect(bff.calls).toHaveLength(1);
    expect(client.getState()).toMatchObject({ status: 'authenticated', tokens: null });
  });
});

describe('createBffClient: refresh(), subscribe() and destroy()', () => {
  it('refresh() re-reads /bff/user: concurrent calls share one request; the same user keeps its identity', async () => {
    let answer: Answer = () => HttpResponse.json({ user: { ...ADA }, expiresAt: 1 });
    const bff = fakeBff({ user: () => answer() });
    const { client } = makeBffClient();
    await settled(client);
    const user = client.getState().user;
    const states = statesOf(client);
    await Promise.all([client.refresh(), client.refresh()]);
    expect(bff.paths()).toEqual(['GET /bff/user', 'GET /bff/user']);
    expect(client.getState().user).toBe(user);
    expect(states).toEqual([]);
    answer = () => new HttpResponse(null, { status: 401 });
    await client.refresh();
    expect(client.getState().status).toBe('unauthenticated');
    expect(states).toEqual(['unauthenticated']);
  });

  it('a failed re-read keeps the session shown, with the error, and rejects', async () => {
    let down = false;
    fakeBff({ user: () => (down ? new HttpResponse(null, { status: 502 }) : HttpResponse.json({ user: ADA, expiresAt: 1 })) });
    const { client } = makeBffClient();
    await settled(client);
    down = true;
    await expect(client.refresh()).rejects.toMatchObject({ code: 'network_error', status: 502 });
    expect(client.getState()).toMatchObject({ status: 'authenticated', user: ADA, error: { code: 'network_error' } });
    down = false;
    await client.refresh();
    expect(client.getState()).toMatchObject({ status: 'authenticated', error: null });
  });

  it('refresh() after the error state tries again and can sign in', async () => {
    let down = true;
    fakeBff({ user: () => (down ? HttpResponse.error() : HttpResponse.json({ user: ADA, expiresAt: 1 })) });
    const { client } = makeBffClient();
    await settled(client);
    expect(client.getState().status).toBe('error');
    down = false;
    await client.refresh();
    expect(client.getState()).toEqual({ status: 'authenticated', user: ADA, tokens: null, error: null });
  });

  it('unsubscribe stops one listener; destroy() stops them all, and an answer after it changes nothing', async () => {
    const userAnswer = deferred();
    fakeBff({ user: userAnswer.answer });
    const { client } = makeBffClient();
    const kept = vi.fn();
    const dropped = vi.fn();
    client.subscribe(kept);
    client.subscribe(dropped)();
    client.destroy();
    userAnswer.release(HttpResponse.json({ user: ADA, expiresAt: 1 }));
    await tick();
    expect(client.getState().status).toBe('loading');
    expect(kept).not.toHaveBeenCalled();
    expect(dropped).not.toHaveBeenCalled();
  });

  it('a logout on its way when destroy() is called ends the BFF session but navigates nowhere', async () => {
    const logoutAnswer = deferred();
    const bff = fakeBff({ logout: logoutAnswer.answer });
    const { client, navigations } = makeBffClient();
    await settled(client);
    const logout = client.logout();
    client.destroy();
    logoutAnswer.release(HttpResponse.json({ redirectTo: END_SESSION }));
    await logout;
    expect(bff.paths()).toEqual(['GET /bff/user', 'POST /bff/logout']);
    expect(navigations).toEqual([]);
  });
});

describe('createBffClient: oauth4webapi stays out', () => {
  it('imports and runs with oauth4webapi unavailable', async () => {
    vi.resetModules();
    vi.doMock('oauth4webapi', () => {
      throw new Error('the BFF client must not import oauth4webapi');
    });
    try {
      const { createBffClient: fresh } = await import('../bff/createBffClient.js');
      fakeBff();
      const client = fresh({ navigate: () => undefined });
      liveClients.add(client);
      await settled(client);
      expect(client.getState().status).toBe('authenticated');
    } finally {
      vi.doUnmock('oauth4webapi');
      vi.resetModules();
    }
  });
});
