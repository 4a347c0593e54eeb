import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearDiscoveryCache } from '../protocol/discovery.js';
import { createMemoryStorage } from '../storage.js';
import { CLIENT_ID, fakeServer, json, makeClient, signIn, TOKEN_ENDPOINT } from './fixtures.js';
import { server } from './msw.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const refreshCalls = (fake: ReturnType<typeof fakeServer>) => fake.calls.token.filter((c) => c.body.get('grant_type') === 'refresh_token');

/** The largest number of `times` that fall inside any sliding 60 s window. */
function maxPerSlidingMinute(times: number[]): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 60_000).length));
}

async function signedIn(opts: Parameters<typeof fakeServer>[0] = {}, clientOpts: Parameters<typeof makeClient>[0] = {}) {
  const fake = fakeServer(opts);
  const made = makeClient(clientOpts);
  await signIn(made.client, made.navigations, fake);
  const times: number[] = [];
  server.events.on('request:start', ({ request }) => {
    if (request.url === TOKEN_ENDPOINT) times.push(Date.now());
  });
  return { fake, client: made.client, times };
}

afterEach(() => server.events.removeAllListeners());

describe('one refresh limiter for every trigger', () => {
  it('expires_in: 0 makes no loop: the timer sends at most 5 refresh requests in any minute, successes included', async () => {
    const { client, times } = await signedIn({ expiresIn: 0 });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(times.length).toBeGreaterThanOrEqual(5);
    expect(maxPerSlidingMinute(times)).toBe(5);
    expect(times.length).toBeLessThanOrEqual(5 * 11);
    client.destroy();
  });

  it('refresh() spam: the 6th call within a minute rejects without a request, and the limit frees after the minute', async () => {
    const { client, fake } = await signedIn({}, { autoRefresh: false });
    for (let i = 0; i < 5; i++) await client.refresh();
    expect(refreshCalls(fake)).toHaveLength(5);
    await expect(client.refresh()).rejects.toMatchObject({ code: 'network_error', message: expect.stringContaining('5 refresh requests this minute') });
    expect(refreshCalls(fake)).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(60_001);
    await client.refresh();
    expect(refreshCalls(fake)).toHaveLength(6);
  });

  it('mixed triggers share the limit: refresh(), getAccessToken() on an expiring token, and 401s together stay at 5 a minute', async () => {
    const { client, times } = await signedIn({ expiresIn: 1 }, { autoRefresh: false, apis: [{ url: 'https://api.example.com' }] });
    server.use(http.get('https://api.example.com/notes', () => new HttpResponse(null, { status: 401 })));
    for (let i = 0; i < 100; i++) {
      await client.refresh().catch(() => undefined);
      await client.getAccessToken().catch(() => undefined);
      await client.fetch('https://api.example.com/notes').catch(() => undefined);
      await vi.advanceTimersByTimeAsync(600);
    }
    expect(maxPerSlidingMinute(times)).toBeLessThanOrEqual(5);
    expect(times.length).toBeGreaterThanOrEqual(5);
  });

  it('a 401 triggers at most one refresh per access token, even when that refresh fails', async () => {
    const { client } = await signedIn({}, { autoRefresh: false, apis: [{ url: 'https://api.example.com' }] });
    server.use(
      http.post(TOKEN_ENDPOINT, () => HttpResponse.error()),
      http.get('https://api.example.com/notes', () => new HttpResponse(null, { status: 401 })),
    );
    let attempts = 0;
    server.events.on('request:start', ({ request }) => {
      if (request.url === TOKEN_ENDPOINT) attempts++;
    });
    for (let i = 0; i < 10; i++) {
      expect((await client.fetch('https://api.example.com/notes')).status).toBe(401);
      await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(attempts).toBe(1);
  });
});

describe('a duplicated tab (sessionStorage copied by the browser)', () => {
  /** Tab B starts with a copy of tab A's sessionStorage, as "Duplicate tab" and window.open do. */
  function duplicate(opts: Parameters<typeof makeClient>[0] = {}) {
    const copy = createMemoryStorage();
    const raw = sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:session`);
    if (raw) copy.setItem(`pkce-auth:${CLIENT_ID}:session`, raw);
    return makeClient({ storage: copy, autoRefresh: false, ...opts }).client;
  }

  it('never presents a refresh token the original already used: the copy drops it and the original’s grant survives', async () => {
    const { client: original, fake } = await signedIn({}, { autoRefresh: false });
    const copy = duplicate();
    expect(copy.getState().tokens?.accessToken).toBe('at-1');
    await original.refresh(); // spends rt-1
    await expect(copy.refresh()).rejects.toMatchObject({ code: 'login_required', message: expect.stringContaining('duplicated tab') });
    expect(refreshCalls(fake).map((c) => c.body.get('refresh_token'))).toEqual(['rt-1']);
    // The copy keeps its still valid access token, without a refresh token.
    expect(copy.getState()).toMatchObject({ status: 'authenticated', tokens: { accessToken: 'at-1' } });
    await expect(copy.getAccessToken()).resolves.toBe('at-1');
    // The original's grant was not revoked: it refreshes again with rt-2.
    await original.refresh();
    expect(refreshCalls(fake).map((c) => c.body.get('refresh_token'))).toEqual(['rt-1', 'rt-2']);
    expect(original.getState().tokens?.accessToken).toBe('at-3');
    expect(original.getState().error).toBeNull();
  });

  it('the copy finds its token spent before asking the server anything (not even discovery)', async () => {
    const { client: original, fake } = await signedIn({}, { autoRefresh: false });
    const copy = duplicate();
    await original.refresh();
    clearDiscoveryCache();
    const discoveries = fake.calls.discovery;
    await expect(copy.refresh()).rejects.toMatchObject({ code: 'login_required' });
    expect(fake.calls.discovery).toBe(discoveries);
    expect(refreshCalls(fake)).toHaveLength(1);
  });

  it('a copy without its refresh token is signed out when the access token expires, with no request', async () => {
    const { client: original, fake } = await signedIn();
    const copy = duplicate({ autoRefresh: true });
    await original.refresh();
    await expect(copy.refresh()).rejects.toMatchObject({ code: 'login_required' });
    expect(copy.getState().status).toBe('authenticated');
    await vi.advanceTimersByTimeAsync(301_000);
    expect(copy.getState()).toMatchObject({ status: 'unauthenticated', tokens: null });
    // rt-1 went to the server once (the original's refresh); the copy never sent it.
    expect(fake.calls.token.filter((c) => c.body.get('refresh_token') === 'rt-1')).toHaveLength(1);
    original.destroy();
  });

  it('once its access token expires, the copy is signed out instead of spending the token again', async () => {
    const { client: original, fake } = await signedIn({}, { autoRefresh: false });
    const copy = duplicate();
    vi.setSystemTime(Date.now() + 301_000);
    await original.getAccessToken();
    await expect(copy.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
    expect(copy.getState().status).toBe('unauthenticated');
    expect(refreshCalls(fake)).toHaveLength(1);
    await expect(original.refresh()).resolves.toBeUndefined();
  });

  it('with a server that does not rotate, both tabs keep refreshing with the same valid token', async () => {
    const { client: original, fake } = await signedIn({ refreshResponse: () => json({ access_token: 'same-rt', token_type: 'Bearer', expires_in: 300 }) }, { autoRefresh: false });
    const copy = duplicate();
    await original.refresh();
    await copy.refresh();
    await original.refresh();
    expect(refreshCalls(fake).map((c) => c.body.get('refresh_token'))).toEqual(['rt-1', 'rt-1', 'rt-1']);
  });

  it('a refresh that got no answer does not count as spent: the same tab retries with its token', async () => {
    const { client, fake } = await signedIn({}, { autoRefresh: false });
    let down = true;
    server.use(http.post(TOKEN_ENDPOINT, () => (down ? HttpResponse.error() : json({ access_token: 'back', token_type: 'Bearer', expires_in: 300, refresh_token: 'rt-next' }))));
    await expect(client.refresh()).rejects.toMatchObject({ code: 'network_error' });
    down = false;
    await client.refresh();
    expect(client.getState().tokens?.accessToken).toBe('back');
    expect(fake.calls.token).toHaveLength(1);
  });
});

describe('logout during a refresh', () => {
  it('waits for the refresh and revokes the newest refresh token', async () => {
    const { client, fake } = await signedIn({}, { autoRefresh: false });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    server.use(
      http.post(TOKEN_ENDPOINT, async () => {
        await gate;
        return json({ access_token: 'at-9', token_type: 'Bearer', expires_in: 300, refresh_token: 'rt-9' });
      }),
    );
    const refreshing = client.refresh();
    await vi.advanceTimersByTimeAsync(0);
    const loggingOut = client.logout();
    release();
    await Promise.all([refreshing, loggingOut]);
    expect(fake.calls.revoke.map((c) => c.body.get('token'))).toEqual(['rt-9']);
    expect(client.getState().status).toBe('unauthenticated');
    expect(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:session`)).toBeNull();
  });
});
