/**
 * The BFF end to end at the HTTP level against the real dev server (oidc-provider), mounted on
 * node:http in front of a tiny local API that verifies its JWT access tokens with jose: login →
 * sign-in and consent → callback → user → proxy → refresh when due → logout revokes →
 * back-channel logout from the server ends the session.
 */
import { CLIENTS, type DevServer } from '@pkce-auth/dev-server';
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBff, memoryStore, type SessionStore } from '../index.js';
import type { SessionData } from '../sessions.js';
import { devServerFor, endSessionAtServer, Jar, localServers, notesApi, send, sessionsIn, signIn as signInAt } from './devServerFixtures.js';

const SECRET = 'the-dev-server-flow-secret-of-32-bytes-or-more';

let dev: DevServer;
const mounted: { bff?: ReturnType<typeof createBff> } = {};
let origin: string;
let apiUrl: string;
let store: SessionStore;
const servers = localServers();
let refreshGrants: string[];
/** The dev server's back-channel logout deliveries to the BFF. */
let backchannel: string[];
/** The connections the notes API was called on, and those still open. */
const apiSockets = { seen: new Set<Socket>(), open: new Set<Socket>() };
/** The `Content-Length` of each call the notes API received (undefined: none). */
const apiLengths: (string | undefined)[] = [];

beforeAll(async () => {
  // The app server listens first: the BFF needs its origin, the dev server its redirect URIs.
  origin = await servers.listen((req, res) => void mounted.bff?.node(req, res, () => res.writeHead(200).end('the app')));
  const api = notesApi(() => dev.issuer);
  apiUrl = await servers.listen((req, res) => {
    const { socket } = req;
    if (!apiSockets.seen.has(socket)) socket.once('close', () => apiSockets.open.delete(socket));
    apiSockets.seen.add(socket);
    apiSockets.open.add(socket);
    apiLengths.push(req.headers['content-length']);
    api(req, res);
  });
  ({ dev, refreshGrants, backchannel } = await devServerFor(origin));
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
  servers.close();
});

const signIn = (server?: Jar) => signInAt(origin, server);
const appCall = (jar: Jar, path: string, init: RequestInit = {}) => send(jar, `${origin}${path}`, { ...init, headers: { 'x-csrf': '1', ...(init.headers as Record<string, string>) } });

/** The one session in the store, opened with the test's secret, and a way to write it back. */
async function theSession(): Promise<{ data: SessionData; write: (data: SessionData) => Promise<void> }> {
  const sessions = sessionsIn(store, SECRET);
  const key = await sessions.newestOf('demo-user');
  const data = (await sessions.read(key)) as SessionData;
  return { data, write: (next) => sessions.write(key, next) };
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
    await endSessionAtServer(dev.issuer, atAs, CLIENTS.bff.clientId);
    expect(backchannel).toEqual(['success']);
    expect((await appCall(app, '/bff/user')).status).toBe(401);
  });

  it('forwards a GET without the body it came with, nor its Content-Length: the next calls on the kept-alive connection still work', async () => {
    ({ app } = await signIn(atAs));
    const cookie = app.header();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${origin}/api/notes/7`, { method: 'GET', headers: { cookie, 'x-csrf': '1', 'content-length': '5' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject).end('hello');
    });
    expect(status).toBe(200);
    const before = apiLengths.length;
    for (let i = 0; i < 3; i++) expect((await appCall(app, '/api/notes')).status).toBe(200);
    expect(apiLengths.slice(before - 1)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('calls the API over one kept-alive connection, which close() ends (the last test: it closes the BFF)', async () => {
    ({ app } = await signIn(atAs));
    const seenBefore = apiSockets.seen.size;
    for (let i = 0; i < 5; i++) expect((await appCall(app, '/api/notes')).status).toBe(200);
    expect(apiSockets.seen.size - seenBefore).toBeLessThanOrEqual(1);
    expect(apiSockets.open.size).toBeGreaterThanOrEqual(1); // and more, kept from the 10 concurrent calls above
    await mounted.bff?.close();
    await expect.poll(() => apiSockets.open.size, { timeout: 2_000 }).toBe(0);
  });
});
