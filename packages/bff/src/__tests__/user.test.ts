import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { body, Browser, mockAuthServer, signIn, testBff, useMsw, type MockAuthServer } from './fixtures.js';
import { sessionKey } from '../sessions.js';
import { resolveOptions } from '../options.js';
import { bffOptions } from './fixtures.js';

useMsw();

let as: MockAuthServer;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  as = await mockAuthServer();
});
afterEach(() => vi.useRealTimers());

const SESSION = '__Host-bff-session';

describe('GET /bff/user', () => {
  it('answers 200 { user, expiresAt } (the absolute end, epoch ms), no token in it', async () => {
    const { bff } = testBff();
    const browser = new Browser(bff);
    const start = Date.now();
    await signIn(browser, as);
    const response = await browser.app('/bff/user');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const json = await body(response);
    expect(json.expiresAt).toBe(start + 8 * 3600 * 1000);
    expect(json.user).toMatchObject({ sub: 'user-1' });
    expect(JSON.stringify(json)).not.toMatch(/at-\d|rt-\d|eyJ/);
  });

  it('needs the CSRF header: 403 without it', async () => {
    const { bff } = testBff();
    const browser = new Browser(bff);
    await signIn(browser, as);
    for (const headers of [{}, { 'x-csrf': '0' }, { 'x-csrf': 'true' }]) {
      const response = await browser.fetch('/bff/user', { headers });
      expect(response.status).toBe(403);
      expect(await body(response)).toMatchObject({ error: 'csrf_required', message: expect.stringContaining('X-CSRF: 1') });
    }
  });

  it('answers 401 without a session cookie, without clearing anything', async () => {
    const { bff } = testBff();
    const response = await new Browser(bff).app('/bff/user');
    expect(response.status).toBe(401);
    expect(await body(response)).toMatchObject({ error: 'login_required' });
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it.each(['garbage', 'a'.repeat(43).replace(/a$/, '!'), 'a'.repeat(44), '', 'x'.repeat(43)])(
    'answers 401 for the malformed or unknown session cookie %j and clears it',
    async (value) => {
      const { bff } = testBff();
      const response = await new Browser(bff).app('/bff/user', { headers: { cookie: `${SESSION}=${value}` } });
      expect(response.status).toBe(401);
      if (value) expect(response.headers.getSetCookie()[0]).toMatch(/^__Host-bff-session=; .*Max-Age=0/);
    },
  );

  it('answers 400 to an oversized Cookie header and to a duplicated session cookie, never 500', async () => {
    const { bff } = testBff();
    const browser = new Browser(bff);
    const big = await browser.app('/bff/user', { headers: { cookie: `x=${'a'.repeat(9000)}` } });
    expect(big.status).toBe(400);
    const twice = await browser.app('/bff/user', { headers: { cookie: `${SESSION}=${'a'.repeat(43)}; ${SESSION}=${'b'.repeat(43)}` } });
    expect(twice.status).toBe(400);
    expect(await body(twice)).toMatchObject({ error: 'invalid_request' });
  });

  it('a tampered store entry is no session (401) and is deleted', async () => {
    const { bff, store } = testBff();
    const browser = new Browser(bff);
    await signIn(browser, as);
    const key = sessionKey(resolveOptions(bffOptions()), browser.cookies.get(SESSION) as string);
    const sealed = (await store.get(key))?.value as string;
    await store.set(key, `${sealed.slice(0, 30)}${sealed[30] === 'A' ? 'B' : 'A'}${sealed.slice(31)}`, 60_000);
    expect((await browser.app('/bff/user')).status).toBe(401);
    expect((await store.get(key))?.value).toBeUndefined();
  });

  it('a session sealed under another secret does not open', async () => {
    const { bff, store } = testBff();
    const browser = new Browser(bff);
    await signIn(browser, as);
    const other = testBff({ store, secret: 'another-secret-that-is-also-long-enough' });
    const response = await new Browser(other.bff).app('/bff/user', { headers: { cookie: `${SESSION}=${browser.cookies.get(SESSION)}` } });
    expect(response.status).toBe(401);
  });

  it('ends a session idle longer than idleTtlSeconds, and keeps a used one alive', async () => {
    const { bff } = testBff({ idleTtlSeconds: 600 });
    const browser = new Browser(bff);
    await signIn(browser, as);
    vi.setSystemTime(Date.now() + 590_000);
    expect((await browser.app('/bff/user')).status).toBe(200);
    vi.setSystemTime(Date.now() + 590_000);
    expect((await browser.app('/bff/user')).status).toBe(200);
    vi.setSystemTime(Date.now() + 600_000);
    expect((await browser.app('/bff/user')).status).toBe(401);
  });

  it('ends a session at its absolute end however busy it is', async () => {
    const { bff } = testBff({ sessionTtlSeconds: 1200, idleTtlSeconds: 600 });
    const browser = new Browser(bff);
    await signIn(browser, as);
    for (let t = 0; t < 3; t++) {
      vi.setSystemTime(Date.now() + 390_000);
      expect((await browser.app('/bff/user')).status).toBe(200);
    }
    vi.setSystemTime(Date.now() + 60_000);
    expect((await browser.app('/bff/user')).status).toBe(401);
  });

  it('answers 405 to POST and 404 to an unknown /bff route', async () => {
    const { bff } = testBff();
    const browser = new Browser(bff);
    expect((await browser.app('/bff/user', { method: 'POST' })).status).toBe(405);
    const unknown = await browser.app('/bff/nothing');
    expect(unknown.status).toBe(404);
    expect(await body(unknown)).toMatchObject({ error: 'not_found' });
  });
});
