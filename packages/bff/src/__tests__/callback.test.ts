import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APP, body, Browser, ISSUER, mockAuthServer, server, signIn, testBff, useMsw, isBffClient, type MockAuthServer } from './fixtures.js';

useMsw();

let as: MockAuthServer;
beforeEach(async () => {
  as = await mockAuthServer();
});
afterEach(() => vi.useRealTimers());

/** Starts a login and returns the browser and the authorization server's redirect back. */
async function started(options: Parameters<typeof testBff>[0] = {}) {
  const { bff, store } = testBff(options);
  const browser = new Browser(bff);
  const login = await browser.fetch('/bff/login?returnTo=/notes');
  return { bff, store, browser, location: login.headers.get('location') as string };
}

const path = (url: URL) => url.pathname + url.search;

describe('GET /bff/callback', () => {
  it('exchanges the code with the verifier and client_secret_basic, starts a session and 303s to returnTo', async () => {
    const { browser, location } = await started();
    const callback = as.authorize(location);
    const response = await browser.fetch(path(callback));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${APP}/notes`);
    const [form] = as.requests.token;
    expect(as.requests.tokenAuth).toHaveLength(1);
    expect(isBffClient(as.requests.tokenAuth[0] as string)).toBe(true);
    expect(form?.has('client_secret')).toBe(false);
    expect(form?.get('grant_type')).toBe('authorization_code');
    expect(form?.get('code')).toBe(callback.searchParams.get('code'));
    expect(form?.get('redirect_uri')).toBe(`${APP}/bff/callback`);
    expect(form?.get('code_verifier')).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    const cookies = response.headers.getSetCookie();
    expect(cookies[0]).toMatch(/^__Host-bff-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800; Secure$/);
    expect(cookies[1]).toMatch(/^__Host-bff-login=; .*Max-Age=0/);
    expect(cookies.join()).not.toMatch(/at-1|rt-1/);
    const user = await browser.app('/bff/user');
    expect(await body(user)).toMatchObject({ user: { sub: 'user-1', name: 'Demo Person', sid: 'sid-1' } });
  });

  it('keeps the nonce and token-hash claims out of `user`', async () => {
    const { browser } = await started();
    await signIn(browser, as);
    const { user } = (await body(await browser.app('/bff/user'))) as { user: Record<string, unknown> };
    expect(user).not.toHaveProperty('nonce');
    expect(user).toMatchObject({ iss: ISSUER, aud: 'notes-bff' });
  });

  it('refuses a replayed callback (even with the old cookie): 400, one code exchange, no session', async () => {
    const { browser, location } = await started();
    const oldCookies = new Map(browser.cookies);
    const callback = as.authorize(location);
    expect((await browser.fetch(path(callback))).status).toBe(303);
    const replay = new Browser({ fetch: (r) => browser['bff'].fetch(r) });
    for (const [k, v] of oldCookies) replay.cookies.set(k, v);
    const response = await replay.fetch(path(callback));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await body(response)).toMatchObject({ error: 'state_mismatch', message: expect.stringContaining('already used') });
    expect(as.requests.token).toHaveLength(1);
    expect(replay.cookies.has('__Host-bff-session')).toBe(false);
  });

  it('refuses a forged state, a callback without the login cookie and a tampered cookie, without calling the token endpoint', async () => {
    const { bff, browser, location } = await started();
    const callback = as.authorize(location);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state');
    const stranger = new Browser(bff);
    const tampered = new Browser(bff);
    const sealed = browser.cookies.get('__Host-bff-login') as string;
    tampered.cookies.set('__Host-bff-login', `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`);
    for (const [who, url] of [[browser, forged], [stranger, callback], [tampered, callback]] as const) {
      const response = await who.fetch(path(url));
      expect(response.status).toBe(400);
      expect(await body(response)).toMatchObject({ error: 'state_mismatch' });
      expect(response.headers.get('location')).toBeNull();
    }
    expect(as.requests.token).toHaveLength(0);
  });

  it('refuses a callback without state, or with two', async () => {
    const { browser, location } = await started();
    const callback = as.authorize(location);
    const state = callback.searchParams.get('state');
    for (const query of [`code=x`, `code=x&state=${state}&state=${state}`]) {
      const response = await browser.fetch(`/bff/callback?${query}`);
      expect(response.status).toBe(400);
    }
    expect(as.requests.token).toHaveLength(0);
  });

  it('refuses a login older than 10 minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { browser, location } = await started();
    vi.setSystemTime(Date.now() + 10 * 60 * 1000 + 1);
    const response = await browser.fetch(path(as.authorize(location)));
    expect(response.status).toBe(400);
    expect(as.requests.token).toHaveLength(0);
  });

  it('shows an error=access_denied as 400 with the server’s words, and spends the state', async () => {
    const { browser, location } = await started();
    const state = new URL(location).searchParams.get('state') as string;
    const query = new URLSearchParams({ error: 'access_denied', error_description: 'the person said no', state, iss: ISSUER });
    const response = await browser.fetch(`/bff/callback?${query}`);
    expect(response.status).toBe(400);
    expect(await body(response)).toMatchObject({ error: 'authorization_error', message: expect.stringContaining('the person said no') });
    expect(response.headers.getSetCookie().join()).toMatch(/__Host-bff-login=; /);
    expect(as.requests.token).toHaveLength(0);
  });

  it('refuses a callback whose iss is another issuer (RFC 9207)', async () => {
    const { browser, location } = await started();
    const callback = as.authorize(location);
    callback.searchParams.set('iss', 'https://evil.example');
    const response = await browser.fetch(path(callback));
    expect(response.status).toBe(400);
    expect(await body(response)).toMatchObject({ error: 'issuer_mismatch' });
    expect(as.requests.token).toHaveLength(0);
  });

  it('refuses an ID token with the wrong nonce', async () => {
    const { browser, location } = await started();
    const url = new URL(location);
    url.searchParams.set('nonce', 'not-the-one-sent');
    const response = await browser.fetch(path(as.authorize(url.href)));
    expect(response.status).toBe(400);
    expect(await body(response)).toMatchObject({ error: 'invalid_id_token', message: expect.stringContaining('nonce') });
    expect(browser.cookies.has('__Host-bff-session')).toBe(false);
  });

  it('passes the token endpoint’s invalid_grant on as 400', async () => {
    const { browser, location } = await started();
    const callback = as.authorize(location);
    callback.searchParams.set('code', 'unknown-code');
    const response = await browser.fetch(path(callback));
    expect(response.status).toBe(400);
    expect(await body(response)).toMatchObject({ error: 'token_error', message: expect.stringContaining('invalid_grant') });
  });

  it('answers 502 when the token endpoint is down', async () => {
    server.use(http.post(`${ISSUER}/token`, () => HttpResponse.error()));
    const { browser, location } = await started();
    const response = await browser.fetch(path(as.authorize(location)));
    expect(response.status).toBe(502);
    expect(await body(response)).toMatchObject({ error: 'network_error' });
  });

  it('completes one of several logins started in tabs, keeping the others', async () => {
    const { browser } = await started();
    const second = await browser.fetch('/bff/login?returnTo=/second');
    const response = await browser.fetch(path(as.authorize(second.headers.get('location') as string)));
    expect(response.headers.get('location')).toBe(`${APP}/second`);
    expect(browser.cookies.has('__Host-bff-login')).toBe(true);
  });

  it('gives a new session id at each login and ends the previous session', async () => {
    const { browser } = await started();
    await signIn(browser, as);
    const first = browser.cookies.get('__Host-bff-session') as string;
    await signIn(browser, as);
    const second = browser.cookies.get('__Host-bff-session') as string;
    expect(second).not.toBe(first);
    const old = await browser.app('/bff/user', { headers: { cookie: `__Host-bff-session=${first}` } });
    expect(old.status).toBe(401);
  });

  it('answers 405 to POST', async () => {
    const { bff } = testBff();
    expect((await bff.fetch(new Request(`${APP}/bff/callback`, { method: 'POST' }))).status).toBe(405);
  });
});
