import { delay, http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBff, memoryStore, type SessionStore } from '../index.js';
import { API, body, bffOptions, Browser, ISSUER, mockAuthServer, server, signIn, testBff, useMsw, type MockAuthServer } from './fixtures.js';

useMsw();

let as: MockAuthServer;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  server.use(http.all(`${API}/*`, ({ request }) => HttpResponse.json({ authorization: request.headers.get('authorization') })));
});
afterEach(() => vi.useRealTimers());

const refreshes = () => as.requests.token.filter((form) => form.get('grant_type') === 'refresh_token');
const later = (ms: number) => vi.setSystemTime(Date.now() + ms);
const tokenSent = async (browser: Browser, path = '/api/notes') => (await body(await browser.app(path))).authorization;

async function signedIn(options: Parameters<typeof testBff>[0] = {}, serverOptions: Parameters<typeof mockAuthServer>[0] = {}) {
  as = await mockAuthServer({ expiresIn: 60, ...serverOptions });
  const made = testBff(options);
  const browser = new Browser(made.bff);
  await signIn(browser, as);
  return { ...made, browser };
}

/** Holds the next token requests at the authorization server until `release()`. */
function holdTokenEndpoint(): { arrived(): boolean; release(): void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let arrived = false;
  server.use(
    http.post(`${ISSUER}/token`, async () => {
      arrived = true;
      await gate;
      return undefined;
    }),
  );
  return { arrived: () => arrived, release: () => release() };
}

describe('refresh at the server', () => {
  it('uses the token while it is fresh, and refreshes it once it is due (30 s left)', async () => {
    const { browser } = await signedIn();
    later(29_000);
    expect(await tokenSent(browser)).toBe('Bearer at-1');
    expect(refreshes()).toHaveLength(0);
    later(1_000);
    expect(await tokenSent(browser)).toBe('Bearer at-2');
    expect(refreshes()).toHaveLength(1);
    expect(refreshes()[0]?.get('refresh_token')).toMatch(/^rt-1-/);
  });

  it('makes one refresh request for 20 concurrent calls after expiry, and all get the new token', async () => {
    const { browser } = await signedIn();
    later(61_000);
    const sent = await Promise.all(Array.from({ length: 20 }, () => tokenSent(browser)));
    expect(new Set(sent)).toEqual(new Set(['Bearer at-2']));
    expect(refreshes()).toHaveLength(1);
  });

  it('rotates: the next refresh presents the new refresh token, never a spent one', async () => {
    const { browser } = await signedIn();
    for (let round = 2; round <= 4; round++) {
      later(61_000);
      expect(await tokenSent(browser)).toBe(`Bearer at-${round}`);
    }
    const presented = refreshes().map((form) => form.get('refresh_token'));
    expect(presented).toHaveLength(3);
    expect(new Set(presented).size).toBe(3);
    expect(presented.every((rt) => as.refreshTokens.get(rt as string) === 'spent')).toBe(true);
  });

  it('lets concurrent calls in one process wait on the refresh in flight, not on the store lock', async () => {
    const store = memoryStore();
    let locks = 0;
    const counting: SessionStore = { ...store, lock: (key, ttl) => ((locks += 1), store.lock(key, ttl)) };
    const { browser } = await signedIn({ store: counting });
    later(61_000);
    await Promise.all(Array.from({ length: 20 }, () => tokenSent(browser)));
    expect(refreshes()).toHaveLength(1);
    expect(locks).toBe(1);
  });

  it('makes one refresh across two instances sharing a store (the store lock)', async () => {
    const { browser, store } = await signedIn();
    const twin = createBff(bffOptions({ store }));
    const other = new Browser(twin);
    for (const [k, v] of browser.cookies) other.cookies.set(k, v);
    server.use(
      http.post(`${ISSUER}/token`, async () => {
        await delay(50);
        return undefined;
      }),
    );
    later(61_000);
    const sent = await Promise.all([tokenSent(browser), tokenSent(other), tokenSent(browser), tokenSent(other)]);
    expect(new Set(sent)).toEqual(new Set(['Bearer at-2']));
    expect(refreshes()).toHaveLength(1);
  });

  it('ends the session when the grant is dead (invalid_grant): 401, and the session is gone', async () => {
    const { browser } = await signedIn();
    for (const rt of as.refreshTokens.keys()) as.refreshTokens.set(rt, 'revoked');
    later(61_000);
    const response = await browser.app('/api/notes');
    expect(response.status).toBe(401);
    expect(await body(response)).toMatchObject({ error: 'login_required', message: expect.stringContaining('invalid_grant') });
    expect((await browser.app('/bff/user')).status).toBe(401);
  });

  it('keeps using a still-valid token when a refresh fails, and waits 12 s before trying again', async () => {
    const { browser } = await signedIn();
    let attempts = 0;
    server.use(
      http.post(`${ISSUER}/token`, () => {
        attempts += 1;
        return HttpResponse.json({ error: 'temporarily_unavailable' }, { status: 503 });
      }),
    );
    later(40_000);
    expect(await tokenSent(browser)).toBe('Bearer at-1');
    expect(await tokenSent(browser)).toBe('Bearer at-1');
    expect(attempts).toBe(1);
    later(11_000);
    expect(await tokenSent(browser)).toBe('Bearer at-1');
    expect(attempts).toBe(1);
    later(1_000);
    await tokenSent(browser);
    expect(attempts).toBe(2);
  });

  it('answers 502 when the token has expired and cannot be refreshed', async () => {
    const { browser } = await signedIn();
    server.use(http.post(`${ISSUER}/token`, () => HttpResponse.error()));
    later(61_000);
    const response = await browser.app('/api/notes');
    expect(response.status).toBe(502);
    expect(await body(response)).toMatchObject({ error: 'token_unavailable', message: expect.stringContaining('could not be refreshed') });
    expect(JSON.stringify(await body(await browser.app('/api/notes')))).not.toContain('at-1');
  });

  it('refreshes at most 5 times a minute when the server issues tokens born expired (expires_in 0)', async () => {
    const { browser } = await signedIn({}, { expiresIn: 0 });
    for (let second = 0; second < 60; second++) {
      await tokenSent(browser);
      later(1_000);
    }
    expect(refreshes().length).toBeLessThanOrEqual(5);
    expect(refreshes().length).toBeGreaterThanOrEqual(4);
  });

  it('without a refresh token sends the token it has (the API decides), asking nothing of the server', async () => {
    const { browser } = await signedIn({}, { refresh: false });
    later(61_000);
    expect(await tokenSent(browser)).toBe('Bearer at-1');
    expect(refreshes()).toHaveLength(0);
  });

  it('logout waits for a refresh on its way and revokes the newest refresh token', async () => {
    const { browser } = await signedIn();
    const held = holdTokenEndpoint();
    later(61_000);
    const call = tokenSent(browser);
    await vi.waitFor(() => expect(held.arrived()).toBe(true));
    const logout = browser.app('/bff/logout', { method: 'POST' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(as.requests.revocation).toHaveLength(0);
    held.release();
    await call;
    await logout;
    expect(as.requests.revocation.map((form) => form.get('token'))).toEqual([expect.stringMatching(/^rt-2-/)]);
    expect((await browser.app('/bff/user')).status).toBe(401);
  });

  it('a back-channel logout during a refresh wins: the refreshed session is not written back', async () => {
    const { browser } = await signedIn();
    const held = holdTokenEndpoint();
    later(61_000);
    const call = browser.app('/api/notes');
    await vi.waitFor(() => expect(held.arrived()).toBe(true));
    const logout = await browser.fetch('/bff/backchannel-logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: await as.logoutToken({ sid: 'sid-1' }) }).toString(),
    });
    expect(logout.status).toBe(200);
    held.release();
    expect((await call).status).toBe(401);
    expect((await browser.app('/bff/user')).status).toBe(401);
  });
});

describe('per-API tokens (resource indicators)', () => {
  const apis = [
    { path: '/api/notes', target: `${API}/v1/notes` },
    // Without a trailing slash: sent as given, never normalised (oidc-provider compares exactly).
    { path: '/api/tags', target: `${API}/v1/tags`, resource: 'http://localhost:4002' },
  ];

  it('gets a token for the API’s resource with the refresh token, once, and keeps the session token for the others', async () => {
    const { browser } = await signedIn({ apis });
    expect(await tokenSent(browser, '/api/tags')).toBe('Bearer at-2-for-http://localhost:4002');
    expect(refreshes().map((form) => form.get('resource'))).toEqual(['http://localhost:4002']);
    expect(await tokenSent(browser, '/api/tags/1')).toBe('Bearer at-2-for-http://localhost:4002');
    expect(await tokenSent(browser, '/api/notes')).toBe('Bearer at-1');
    expect(refreshes()).toHaveLength(1);
  });

  it('refreshes each API’s token on its own, rotating one refresh token through them', async () => {
    const { browser } = await signedIn({ apis });
    await tokenSent(browser, '/api/tags');
    later(61_000);
    const [tags, notes] = await Promise.all([tokenSent(browser, '/api/tags'), tokenSent(browser, '/api/notes')]);
    expect(tags).toMatch(/-for-http:\/\/localhost:4002$/);
    expect(notes).toMatch(/^Bearer at-\d$/);
    expect(notes).not.toBe('Bearer at-1');
    const presented = refreshes().map((form) => form.get('refresh_token'));
    expect(presented).toHaveLength(3);
    expect(new Set(presented).size).toBe(3);
  });

  it('answers 502 naming offline_access when there is no refresh token to get the API’s token with', async () => {
    const { browser } = await signedIn({ apis }, { refresh: false });
    const response = await browser.app('/api/tags');
    expect(response.status).toBe(502);
    expect(await body(response)).toMatchObject({ error: 'token_unavailable', message: expect.stringContaining('offline_access') });
  });
});
