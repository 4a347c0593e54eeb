/**
 * Two BFF instances on one real Redis, behind one origin, against the real dev server
 * (oidc-provider): a front server on the app's origin plays the load balancer and sends each
 * request to instance A or B (`x-to: b`; A otherwise, the dev server's back-channel logout
 * too). A and B are two createBff in this process, each with its own redisStore connection and
 * its own in-process refresh bookkeeping: what they share is Redis alone (and the core's
 * discovery cache). Then Redis's faults: frozen (connected, silent) and restarted.
 */
import { CLIENTS, type DevServer } from '@pkce-auth/dev-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBff, redisStore, type Bff, type RedisStore } from '../index.js';
import type { SessionData } from '../sessions.js';
import { devServerFor, endSessionAtServer, Jar, localServers, notesApi, send, sessionsIn, signIn, toCallback } from './devServerFixtures.js';
import { useRedis } from './redisServer.js';

const SECRET = 'the-two-instances-secret-of-32-bytes-or-more!';
const COOKIE = 'bff-session';
type Instance = 'a' | 'b';

const redis = useRedis();
const servers = localServers();
let dev: DevServer;
let origin: string;
let refreshGrants: string[];
let backchannel: string[];
const bffs = {} as Record<Instance, Bff>;
/** What each instance's onError received, one line each. */
const logs: string[] = [];
/** Which instance the front server sent each request to. */
const routed: { instance: Instance; path: string }[] = [];
/** The test's own view of Redis, as the BFF keys it. */
let look: RedisStore;
let sessions: ReturnType<typeof sessionsIn>;

beforeAll(async () => {
  origin = await servers.listen((req, res) => {
    const instance: Instance = req.headers['x-to'] === 'b' ? 'b' : 'a';
    routed.push({ instance, path: req.url ?? '' });
    void bffs[instance].node(req, res, () => res.writeHead(200).end('the app'));
  });
  const apiUrl = await servers.listen(notesApi(() => dev.issuer));
  ({ dev, refreshGrants, backchannel } = await devServerFor(origin));
  for (const instance of ['a', 'b'] as const) {
    bffs[instance] = createBff({
      issuer: dev.issuer,
      ...CLIENTS.bff,
      baseUrl: origin,
      scope: 'openid profile email offline_access notes:read notes:write',
      secret: SECRET,
      store: redisStore({ url: redis().url }),
      apis: [{ path: '/api/notes', target: `${apiUrl}/notes` }],
      onError: (error) => logs.push(`[${instance}] ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`),
    });
  }
  look = redisStore({ url: redis().url });
  sessions = sessionsIn(look, SECRET);
});

afterAll(async () => {
  await Promise.all([bffs.a?.close(), bffs.b?.close(), look?.close()]);
  await dev?.stop();
  servers.close();
});

const call = (jar: Jar, path: string, to: Instance, init: RequestInit = {}) =>
  send(jar, `${origin}${path}`, { ...init, headers: { 'x-csrf': '1', 'x-to': to, ...(init.headers as Record<string, string>) } });
const status = async (jar: Jar, path: string, to: Instance) => (await call(jar, path, to)).status;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A proxied call's answer (the notes API echoes the token's jti) and how long it took. */
async function timedCall(jar: Jar, path: string, to: Instance) {
  const start = performance.now();
  const res = await call(jar, path, to);
  const text = await res.text();
  return { status: res.status, ms: performance.now() - start, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, retryAfter: res.headers.get('retry-after') };
}

/** Marks the session's access token expired (and old enough to refresh): what a refresh-due call sees. */
async function expireToken(key: string): Promise<SessionData> {
  const data = (await sessions.read(key)) as SessionData;
  await sessions.write(key, { ...data, token: { ...data.token, expiresAt: Date.now() - 1000, obtainedAt: Date.now() - 60_000 } });
  return data;
}

/** Every key and value in Redis (strings, and the members of sorted sets), as one text. */
async function dumpRedis(): Promise<{ keys: string[]; text: string }> {
  const admin = await redis().admin();
  const keys: string[] = [];
  for await (const batch of admin.scanIterator({ COUNT: 100 })) keys.push(...batch);
  const parts = await Promise.all(
    keys.map(async (key) => {
      const type = await admin.type(key);
      const value = type === 'string' ? await admin.get(key) : type === 'zset' ? (await admin.zRange(key, 0, -1)).join('\n') : `(${type})`;
      return `${key}\n${value}`;
    }),
  );
  return { keys, text: parts.join('\n') };
}

/** Tokens and identifiers seen in sessions, none of which may be in Redis in clear. */
const secrets = new Set<string>();
const remember = (data: SessionData | undefined, cookie: string | undefined) => {
  for (const value of [data?.token.accessToken, data?.refreshToken, data?.idToken, cookie, ...Object.values(data?.apiTokens ?? {}).map((t) => t.accessToken)]) if (value) secrets.add(value);
};

describe('two BFF instances on one Redis', () => {
  let app: Jar;
  let atAs: Jar;
  let key: string;

  it('a session made on A works on B', async () => {
    ({ app, server: atAs } = await signIn(origin, new Jar(), { 'x-to': 'a' }));
    expect(routed.filter((r) => r.path.startsWith('/bff/callback')).map((r) => r.instance)).toEqual(['a']);
    const user = await call(app, '/bff/user', 'b');
    expect(user.status).toBe(200);
    expect(await user.json()).toMatchObject({ user: { sub: 'demo-user' } });
    expect(await timedCall(app, '/api/notes/1', 'b')).toMatchObject({ status: 200, body: { sub: 'demo-user', path: '/notes/1' } });
    key = sessions.keyOf(app.get(COOKIE) as string);
    remember(await sessions.read(key), app.get(COOKIE));
  });

  it('20 concurrent proxied calls split over A and B after the token’s expiry make exactly 1 refresh request', async () => {
    const before = await expireToken(key);
    const grants = refreshGrants.length;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => timedCall(app, '/api/notes', i % 2 ? 'b' : 'a')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(refreshGrants.length - grants).toBe(1);
    expect(new Set(answers.map((a) => a.body.jti)).size).toBe(1);
    const after = (await sessions.read(key)) as SessionData;
    expect(after.token.accessToken).not.toBe(before.token.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    remember(after, undefined);
    console.log(`[two instances] 20 calls (10 on A, 10 on B) after expiry: ${refreshGrants.length - grants} refresh request at the dev server`);
  });

  it('Redis holds no token, session id or identity in clear (every key and value scanned)', async () => {
    const { keys, text } = await dumpRedis();
    expect(keys.some((k) => k.startsWith('pkce-auth:value:session:'))).toBe(true);
    expect(keys.some((k) => k.startsWith('pkce-auth:index:sub:'))).toBe(true);
    expect(secrets.size).toBeGreaterThanOrEqual(5);
    for (const secret of secrets) expect(text).not.toContain(secret);
    for (const clear of ['demo-user', 'demo@example.com', 'Demo User']) expect(text).not.toContain(clear);
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
    console.log(`[two instances] scanned ${keys.length} Redis keys: no access, refresh or ID token, session id or identity in clear`);
  });

  it('a lock holder that dies (never releases) holds the refresh back only until its lock’s TTL', async () => {
    const holder = redisStore({ url: redis().url });
    try {
      expect(await holder.lock(`lock:${key}`, 1500)).toBeTypeOf('function');
      await expireToken(key);
      const grants = refreshGrants.length;
      const start = performance.now();
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => timedCall(app, '/api/notes', i % 2 ? 'b' : 'a')));
      const took = performance.now() - start;
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      expect(refreshGrants.length - grants).toBe(1);
      expect(took).toBeGreaterThanOrEqual(1400);
      expect(took).toBeLessThan(3000);
      console.log(`[two instances] a dead holder's 1500 ms lock: 10 calls done after ${Math.round(took)} ms, ${refreshGrants.length - grants} refresh`);
    } finally {
      await holder.close();
    }
  });

  it('back-channel logout through A ends the session on B (and on A)', async () => {
    const hits = routed.length;
    await endSessionAtServer(dev.issuer, atAs, CLIENTS.bff.clientId);
    expect(backchannel).toEqual(['success']);
    expect(routed.slice(hits).filter((r) => r.path === '/bff/backchannel-logout').map((r) => r.instance)).toEqual(['a']);
    expect(await status(app, '/bff/user', 'b')).toBe(401);
    expect(await status(app, '/bff/user', 'a')).toBe(401);
    expect(await sessions.read(key)).toBeUndefined();
  });
});

describe('Redis faults under two instances', () => {
  it('frozen (connected, silent): 503 store_unavailable after the 1 s command timeout, one log line each; thawed, the same session works', async () => {
    const { app } = await signIn(origin, new Jar(), { 'x-to': 'b' });
    expect(await status(app, '/bff/user', 'a')).toBe(200);
    logs.length = 0;
    redis().freeze();
    let answers: Awaited<ReturnType<typeof timedCall>>[];
    try {
      answers = await Promise.all(Array.from({ length: 10 }, (_, i) => timedCall(app, i % 4 < 2 ? '/bff/user' : '/api/notes', i % 2 ? 'b' : 'a')));
    } finally {
      redis().thaw();
    }
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, retryAfter: '1', body: { error: 'store_unavailable', message: expect.any(String) } });
      expect(answer.ms).toBeGreaterThanOrEqual(950);
      expect(answer.ms).toBeLessThan(2000);
    }
    expect(logs).toHaveLength(10);
    for (const line of logs) expect(line).toMatch(/^\[[ab]\] StoreError: the session store failed \(get\): Redis at 127\.0\.0\.1:\d+ did not answer EVAL within 1000 ms$/);
    expect(await status(app, '/bff/user', 'a')).toBe(200);
    expect(await status(app, '/bff/user', 'b')).toBe(200);
    const times = answers.map((a) => Math.round(a.ms));
    console.log(`[faults] frozen Redis: 10/10 answered 503 in ${Math.min(...times)}–${Math.max(...times)} ms; thawed: the session still works on A and B\n  log line: ${logs[0]}`);
  });

  it('restarted: 503 at once while down, a callback then writes nothing; back within 1.5 s, and a retried callback signs in', async () => {
    const { app, server } = await signIn(origin, new Jar(), { 'x-to': 'a' });
    const pending = new Jar();
    const callback = await toCallback(origin, pending, server, { 'x-to': 'a' });
    logs.length = 0;
    await redis().stop();
    const down = await Promise.all(Array.from({ length: 10 }, (_, i) => timedCall(app, i % 4 < 2 ? '/bff/user' : '/api/notes', i % 2 ? 'b' : 'a')));
    const one = await timedCall(app, '/bff/user', 'b');
    expect(one).toMatchObject({ status: 503, body: { error: 'store_unavailable' } });
    const midLogin = await send(pending, callback, { headers: { 'x-to': 'a' } });
    expect(midLogin.status).toBe(503);
    for (const answer of down) {
      expect(answer).toMatchObject({ status: 503, body: { error: 'store_unavailable' } });
      expect(answer.ms).toBeLessThan(1000);
    }
    expect(logs).toHaveLength(12);
    for (const line of logs) expect(line).toMatch(/^\[[ab]\] StoreError: the session store failed \((get|set)\): Redis at 127\.0\.0\.1:\d+ (is unreachable|failed)/);

    // Each instance is probed with the session cookie as it was, outside the jar: the first 401
    // (the restarted Redis is empty) clears the cookie, and a probe without one would answer 401
    // without asking Redis at all.
    const cookie = app.header();
    const probe = async (to: Instance) => (await fetch(`${origin}/bff/user`, { headers: { cookie, 'x-csrf': '1', 'x-to': to } })).status;
    await redis().start();
    const back = performance.now();
    const recovered: Record<Instance, number> = { a: NaN, b: NaN };
    await Promise.all(
      (['a', 'b'] as const).map(async (to) => {
        while ((await probe(to)) === 503 && performance.now() - back < 5000) await sleep(10);
        recovered[to] = performance.now() - back;
      }),
    );
    expect(recovered.a).toBeLessThan(1500);
    expect(recovered.b).toBeLessThan(1500);
    // No persistence (--save ''): the restarted Redis is empty, so the session is gone: sign in again.
    expect(await status(app, '/bff/user', 'a')).toBe(401);
    const logged = logs.length;
    const retried = await send(pending, callback, { headers: { 'x-to': 'a' } });
    expect(retried.status, `the retried callback; logged meanwhile: ${logs.slice(logged).join(' | ') || 'nothing'}`).toBe(303);
    expect(await status(pending, '/bff/user', 'b')).toBe(200);
    const times = down.map((a) => Math.round(a.ms));
    console.log(
      `[faults] stopped Redis: 10/10 concurrent calls answered 503 in ${Math.min(...times)}–${Math.max(...times)} ms, one call alone in ${one.ms.toFixed(1)} ms (a callback too: 503, nothing spent); ` +
        `restarted: A answered again after ${Math.round(recovered.a)} ms, B after ${Math.round(recovered.b)} ms; the old session gone (no persistence), the retried callback signed in\n  log line: ${logs[0]}`,
    );
  });
});
