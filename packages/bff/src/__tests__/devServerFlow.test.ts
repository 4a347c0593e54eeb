/**
 * The BFF end to end at the HTTP level against the real dev server (oidc-provider), mounted on
 * node:http in front of a tiny local API that verifies its JWT access tokens with jose: login →
 * sign-in and consent → callback → user → proxy → refresh when due → logout revokes →
 * back-channel logout from the server ends the session.
 */
import { once, type EventEmitter } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLIENTS, DEFAULT_RESOURCE, defaultClients, startDevServer, type DevServer } from '@pkce-auth/dev-server';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys, keyedHash, open, seal } from '../crypto.js';
import { createBff, memoryStore, type SessionStore } from '../index.js';
import type { SessionData } from '../sessions.js';

const SECRET = 'the-dev-server-flow-secret-of-32-bytes-or-more';
const sessionKeyOf = deriveKeys(SECRET).session;

let dev: DevServer;
let origin: string;
let apiUrl: string;
let store: SessionStore;
const servers: Server[] = [];
const refreshGrants: string[] = [];
/** The dev server's back-channel logout deliveries to the BFF. */
const backchannel: string[] = [];

async function listen(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The notes API: 401 without a valid JWT for its audience, else who called with what token. */
function notesApi(issuer: () => string): RequestListener {
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  return (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    jwks ??= createRemoteJWKSet(new URL(`${issuer()}/jwks`));
    jwtVerify(token, jwks, { issuer: issuer(), audience: DEFAULT_RESOURCE }).then(
      ({ payload }) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, sub: payload.sub, jti: payload.jti, cookie: req.headers.cookie ?? null })),
      () => res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end(),
    );
  };
}

beforeAll(async () => {
  // The app server listens first: the BFF needs its origin, the dev server its redirect URIs.
  const mounted: { bff?: ReturnType<typeof createBff> } = {};
  origin = await listen((req, res) => void mounted.bff?.node(req, res, () => res.writeHead(200).end('the app')));
  apiUrl = await listen(notesApi(() => dev.issuer));
  // The default notes-bff client, with its redirect and back-channel logout URIs on this test's origin.
  const clients = defaultClients({ appOrigins: [origin] }).map((c) => (c.client_id === CLIENTS.bff.clientId ? { ...c, backchannel_logout_uri: `${origin}/bff/backchannel-logout` } : c));
  dev = await startDevServer({ port: 0, appOrigins: [origin], clients });
  const events = dev.provider as unknown as EventEmitter;
  events.on('grant.success', (ctx: { oidc: { params?: { grant_type?: unknown } } }) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') refreshGrants.push('refresh');
  });
  events.on('backchannel.error', (_ctx: unknown, error: Error) => backchannel.push(`error: ${error.message}`));
  events.on('backchannel.success', () => backchannel.push('success'));
  store = memoryStore();
  mounted.bff = createBff({
    issuer: dev.issuer,
    ...CLIENTS.bff,
    baseUrl: origin,
    scope: 'openid profile email offline_access notes:read notes:write',
    secret: SECRET,
    store,
    apis: [{ path: '/api/notes', target: `${apiUrl}/notes` }],
  });
});

afterAll(async () => {
  await dev?.stop();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

/** Cookies per origin, as a browser keeps them (enough for these flows). */
class Jar {
  private readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || eq === pair.length - 1) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** A request with this jar's cookies, no redirect followed, its cookies kept. */
async function send(jar: Jar, url: string | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('cookie', jar.header());
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(res);
  return res;
}

/** Goes through the dev server's login and consent pages until it redirects back to the app. */
async function atServer(jar: Jar, start: string): Promise<URL> {
  let url = new URL(start);
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 15; hop++) {
    const res = await send(jar, url, body ? { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {});
    body = undefined;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location') as string, url);
      if (url.origin === origin) return url;
      continue;
    }
    const html = await res.text();
    const uid = /action="\/interaction\/([^/"]+)\//.exec(html)?.[1];
    if (!uid) throw new Error(`unexpected page at ${url.pathname}: ${res.status}`);
    const login = html.includes('name="username"');
    url = new URL(`/interaction/${uid}/${login ? 'login' : 'confirm'}`, url);
    body = new URLSearchParams(login ? { username: 'demo', password: 'demo' } : {});
  }
  throw new Error('too many redirects');
}

/** Signs in through the BFF; returns the app's and the server's cookie jars. */
async function signIn(server = new Jar()): Promise<{ app: Jar; server: Jar }> {
  const app = new Jar();
  const login = await send(app, `${origin}/bff/login?returnTo=/notes`);
  expect(login.status).toBe(302);
  const callback = await atServer(server, login.headers.get('location') as string);
  expect(callback.pathname).toBe('/bff/callback');
  const done = await send(app, callback);
  expect(done.status).toBe(303);
  expect(done.headers.get('location')).toBe(`${origin}/notes`);
  return { app, server };
}

const appCall = (jar: Jar, path: string, init: RequestInit = {}) => send(jar, `${origin}${path}`, { ...init, headers: { 'x-csrf': '1', ...(init.headers as Record<string, string>) } });

/** The one session in the store, opened with the test's secret, and a way to write it back. */
async function theSession(): Promise<{ data: SessionData; write: (data: SessionData) => Promise<void> }> {
  const sessionKeys = await store.indexMembers(`sub:${keyedHash(deriveKeys(SECRET).ids, 'demo-user')}`);
  expect(sessionKeys.length).toBeGreaterThan(0);
  const key = sessionKeys.at(-1) as string;
  const data = JSON.parse(open(sessionKeyOf, (await store.get(key)) as string, key) as string) as SessionData;
  return { data, write: async (next) => void (await store.set(key, seal(sessionKeyOf, JSON.stringify(next), key), 60_000)) };
}

describe('the BFF against the dev server', () => {
  let app: Jar;
  let atAs: Jar;

  it('signs in: login → the server’s pages → callback → 303 to returnTo, the user known', async () => {
    ({ app, server: atAs } = await signIn());
    const user = await appCall(app, '/bff/user');
    expect(user.status).toBe(200);
    const json = (await user.json()) as { user: Record<string, unknown>; expiresAt: number };
    expect(json.user).toMatchObject({ sub: 'demo-user', name: 'Demo User', email: 'demo@example.com' });
    expect(json.user.sid).toEqual(expect.any(String));
    expect(json.expiresAt).toBeGreaterThan(Date.now());
    expect(JSON.stringify(json)).not.toMatch(/eyJ/);
  });

  it('proxies to the API with a real access token for it, no browser cookie forwarded', async () => {
    const response = await appCall(app, '/api/notes/5?x=1');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ path: '/notes/5?x=1', sub: 'demo-user', cookie: null });
    expect((await send(app, `${origin}/api/notes/5`)).status).toBe(403);
    expect((await appCall(new Jar(), '/api/notes/5')).status).toBe(401);
  });

  it('refreshes at the server when the token is due: one refresh for 10 concurrent calls, a new token', async () => {
    const before = (await (await appCall(app, '/api/notes')).json()) as { jti: string };
    const { data, write } = await theSession();
    await write({ ...data, token: { ...data.token, expiresAt: Date.now() - 1000, obtainedAt: Date.now() - 60_000 } });
    const refreshesBefore = refreshGrants.length;
    const answers = await Promise.all(Array.from({ length: 10 }, async () => (await (await appCall(app, '/api/notes')).json()) as { jti: string }));
    expect(refreshGrants.length - refreshesBefore).toBe(1);
    expect(new Set(answers.map((a) => a.jti)).size).toBe(1);
    expect(answers[0]?.jti).not.toBe(before.jti);
    expect((await theSession()).data.refreshToken).not.toBe(data.refreshToken);
  });

  it('logs out: the refresh token is revoked at the server, the session gone, the end-session URL given', async () => {
    const { data } = await theSession();
    const response = await appCall(app, '/bff/logout', { method: 'POST' });
    expect(response.status).toBe(200);
    const { redirectTo } = (await response.json()) as { redirectTo: string };
    const end = new URL(redirectTo);
    expect(end.href.startsWith(`${dev.issuer}/session/end?`)).toBe(true);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${origin}/`);
    expect(end.searchParams.get('id_token_hint')).toBe(data.idToken);
    expect((await appCall(app, '/bff/user')).status).toBe(401);
    const basic = `Basic ${Buffer.from(`${CLIENTS.bff.clientId}:${CLIENTS.bff.clientSecret}`).toString('base64')}`;
    const reuse = await fetch(`${dev.issuer}/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: data.refreshToken as string }),
    });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('ends the session when the person signs out at the server (back-channel logout)', async () => {
    ({ app } = await signIn(atAs));
    expect((await appCall(app, '/bff/user')).status).toBe(200);
    const page = await send(atAs, `${dev.issuer}/session/end?client_id=${CLIENTS.bff.clientId}`);
    const html = await page.text();
    const action = /action="([^"]+)"/.exec(html)?.[1] as string;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const confirm = await send(atAs, new URL(action, dev.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    expect(confirm.status).toBe(303);
    expect(backchannel).toEqual(['success']);
    expect((await appCall(app, '/bff/user')).status).toBe(401);
  });
});
