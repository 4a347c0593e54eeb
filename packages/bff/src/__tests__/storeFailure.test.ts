/**
 * A store that fails (the unit view of a Redis outage; redisInstances.test.ts has the real
 * one): every route answers 503 `store_unavailable` with Retry-After, says nothing of the cause
 * to the browser, reports it once to onError, and leaves no session half-written.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { http, HttpResponse } from 'msw';
import { createBff, memoryStore, StoreError, type SessionStore } from '../index.js';
import { deriveKeys, keyedHash } from '../crypto.js';
import { errorResponse } from '../responses.js';
import { API, bffOptions, body, Browser, mockAuthServer, SECRET, server, signIn, testBff, useMsw, type MockAuthServer } from './fixtures.js';

useMsw();

/** The store key of the index of `sub`'s sessions. */
const subIndex = (sub: string) => `sub:${keyedHash(deriveKeys(SECRET).ids, sub)}`;

type Method = keyof Omit<SessionStore, 'close'>;
/** A memory store whose methods fail while listed in `failing` (a key prefix narrows it to some keys). */
function flakyStore() {
  const inner = memoryStore();
  const failing = new Map<Method | 'release', string>();
  const fails = (method: Method | 'release', key: string) => failing.has(method) && key.startsWith(failing.get(method) as string);
  const wrap =
    <M extends Method>(method: M) =>
    async (...args: Parameters<SessionStore[M]>): Promise<Awaited<ReturnType<SessionStore[M]>>> => {
      if (fails(method, args[0] as string)) throw new Error(`ECONNREFUSED redis.internal:6379 (${method})`);
      return (inner[method] as (...a: unknown[]) => Promise<Awaited<ReturnType<SessionStore[M]>>>)(...args);
    };
  const store: SessionStore = {
    get: wrap('get'),
    set: wrap('set'),
    touch: wrap('touch'),
    delete: wrap('delete'),
    addToIndex: wrap('addToIndex'),
    indexMembers: wrap('indexMembers'),
    removeFromIndex: wrap('removeFromIndex'),
    async lock(key, ttlMs) {
      if (fails('lock', key)) throw new Error('ECONNREFUSED redis.internal:6379 (lock)');
      const release = await inner.lock(key, ttlMs);
      return release && (async () => (fails('release', key) ? Promise.reject(new Error('ECONNREFUSED redis.internal:6379 (release)')) : release()));
    },
  };
  return { store, inner, fail: (method: Method | 'release', prefix = '') => failing.set(method, prefix), heal: () => failing.clear() };
}

let as: MockAuthServer;
beforeEach(async () => {
  as = await mockAuthServer({ expiresIn: 60 });
  server.use(http.all(`${API}/*`, () => HttpResponse.json({ ok: true })));
});
afterEach(() => vi.useRealTimers());

async function signedIn() {
  const flaky = flakyStore();
  const reported: unknown[] = [];
  const { bff } = testBff({ store: flaky.store, onError: (error) => reported.push(error) });
  const browser = new Browser(bff);
  await signIn(browser, as);
  return { ...flaky, reported, browser, bff };
}

const expectUnavailable = async (response: Response) => {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('1');
  const json = await body(response);
  expect(json).toEqual({ error: 'store_unavailable', message: 'the session store is unavailable; try again shortly' });
};

describe('a failing session store', () => {
  it('makes /bff/user a 503 without the cause, and reports a StoreError naming the operation once', async () => {
    const { browser, fail, heal, reported } = await signedIn();
    fail('get');
    await expectUnavailable(await browser.app('/bff/user'));
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(StoreError);
    expect(reported[0]).toMatchObject({ operation: 'get', message: 'the session store failed (get): ECONNREFUSED redis.internal:6379 (get)' });
    heal();
    expect((await browser.app('/bff/user')).status).toBe(200);
  });

  it('makes a refresh whose lock cannot be taken a 503, not a 502, with no refresh request', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { browser, fail, reported } = await signedIn();
    vi.setSystemTime(Date.now() + 61_000);
    fail('lock');
    await expectUnavailable(await browser.app('/api/notes'));
    expect(as.requests.token.filter((f) => f.get('grant_type') === 'refresh_token')).toHaveLength(0);
    expect(reported).toEqual([expect.objectContaining({ operation: 'lock' })]);
  });

  it('answers a call whose refresh succeeded even when the lock’s release fails (its TTL frees it)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { browser, fail, reported } = await signedIn();
    vi.setSystemTime(Date.now() + 61_000);
    fail('release');
    expect((await browser.app('/api/notes')).status).toBe(200);
    expect(reported).toEqual([expect.objectContaining({ operation: 'lock release' })]);
  });

  it('writes no session when the callback meets the outage at an index: 503, nothing to find later', async () => {
    const flaky = flakyStore();
    const { bff } = testBff({ store: flaky.store });
    const browser = new Browser(bff);
    const login = await browser.fetch('/bff/login');
    flaky.fail('addToIndex', 'sid:');
    const callback = as.authorize(login.headers.get('location') as string);
    await expectUnavailable(await browser.fetch(callback.pathname + callback.search));
    expect(browser.cookies.has('__Host-bff-session')).toBe(false);
    flaky.heal();
    const members = await flaky.inner.indexMembers(subIndex('user-1'));
    expect(members).toHaveLength(1);
    expect(await flaky.inner.get(members[0] as string)).toBeUndefined();
  });

  it('writes no session when the session itself cannot be written: the indexes name nothing', async () => {
    const flaky = flakyStore();
    const { bff } = testBff({ store: flaky.store });
    const browser = new Browser(bff);
    const login = await browser.fetch('/bff/login');
    flaky.fail('set', 'session:');
    const callback = as.authorize(login.headers.get('location') as string);
    await expectUnavailable(await browser.fetch(callback.pathname + callback.search));
    flaky.heal();
    const members = await flaky.inner.indexMembers(subIndex('user-1'));
    expect(members).toHaveLength(1);
    expect(await flaky.inner.get(members[0] as string)).toBeUndefined();
  });

  it('makes a back-channel logout it cannot carry out a 503 (the server may send it again)', async () => {
    const { browser, fail } = await signedIn();
    fail('indexMembers');
    const response = await browser.fetch('/bff/backchannel-logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: await as.logoutToken() }).toString(),
    });
    await expectUnavailable(response);
  });

  it('makes a logout it cannot carry out a 503, not a 200 that pretends the session ended', async () => {
    const { browser, fail, heal } = await signedIn();
    fail('lock');
    await expectUnavailable(await browser.app('/bff/logout', { method: 'POST' }));
    heal();
    expect((await browser.app('/bff/user')).status).toBe(200);
  });

  it('by default logs one line per failure: the StoreError’s message, no stack', async () => {
    const flaky = flakyStore();
    const bff = createBff({ ...bffOptions({ store: flaky.store }), onError: undefined } as never);
    const browser = new Browser(bff);
    await signIn(browser, as);
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      flaky.fail('get');
      await expectUnavailable(await browser.app('/bff/user'));
      expect(log.mock.calls).toEqual([['[@pkce-auth/bff]', 'the session store failed (get): ECONNREFUSED redis.internal:6379 (get)']]);
    } finally {
      log.mockRestore();
    }
  });
});

describe('errorResponse', () => {
  it('maps a StoreError to 503 and anything unexpected still to 500', async () => {
    const reported: unknown[] = [];
    const unavailable = errorResponse(new StoreError('touch', new Error('timeout')), (e) => reported.push(e));
    await expectUnavailable(unavailable);
    const unexpected = errorResponse(new TypeError('bug'), (e) => reported.push(e));
    expect(unexpected.status).toBe(500);
    expect(reported).toHaveLength(2);
  });
});

