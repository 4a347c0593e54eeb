import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeServer, json, makeClient, signIn, TOKEN_ENDPOINT } from './fixtures.js';
import { server } from './msw.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const refreshCalls = (fake: ReturnType<typeof fakeServer>) => fake.calls.token.filter((c) => c.body.get('grant_type') === 'refresh_token');

async function signedIn(opts: Parameters<typeof fakeServer>[0] = {}, clientOpts: Parameters<typeof makeClient>[0] = {}) {
  const fake = fakeServer(opts);
  const { client, navigations } = makeClient(clientOpts);
  await signIn(client, navigations, fake);
  return { fake, client };
}

describe('getAccessToken() and refresh', () => {
  it('20 concurrent callers after expiry share 1 refresh and get 20 identical tokens (rotation safe)', async () => {
    const { fake, client } = await signedIn({}, { autoRefresh: false });
    vi.setSystemTime(Date.now() + 301_000);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => client.getAccessToken()));
    expect(refreshCalls(fake)).toHaveLength(1);
    expect(new Set(tokens)).toEqual(new Set(['at-2']));
    expect(Object.fromEntries(refreshCalls(fake)[0]?.body ?? [])).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: 'notes-spa' });
  });

  it('keeps the newest refresh token: consecutive refreshes send rt-1, then rt-2', async () => {
    const { fake, client } = await signedIn({}, { autoRefresh: false });
    await client.refresh();
    await client.refresh();
    expect(refreshCalls(fake).map((c) => c.body.get('refresh_token'))).toEqual(['rt-1', 'rt-2']);
    expect(client.getState().tokens?.accessToken).toBe('at-3');
    expect(client.getState().tokens).not.toHaveProperty('refreshToken');
  });

  it('keeps the old refresh token when the server does not rotate', async () => {
    const { fake, client } = await signedIn(
      { refreshResponse: () => json({ access_token: 'no-rotate', token_type: 'bearer', expires_in: 300 }) },
      { autoRefresh: false },
    );
    await client.refresh();
    await client.refresh();
    expect(refreshCalls(fake).map((c) => c.body.get('refresh_token'))).toEqual(['rt-1', 'rt-1']);
    expect(client.getState().user?.name).toBe('Ada');
  });

  it('a token inside the leeway is refreshed; a fresh one is not', async () => {
    const { fake, client } = await signedIn({}, { autoRefresh: false });
    await client.getAccessToken();
    expect(refreshCalls(fake)).toHaveLength(0);
    vi.setSystemTime(Date.now() + 241_000); // 59 s left of 300 < 60 s leeway
    await expect(client.getAccessToken()).resolves.toBe('at-2');
    expect(refreshCalls(fake)).toHaveLength(1);
  });

  it('a 5-second token is not "always due": leeway is min(leeway, half the lifetime)', async () => {
    const { fake, client } = await signedIn({ expiresIn: 5 }, { autoRefresh: false });
    await client.getAccessToken();
    expect(refreshCalls(fake)).toHaveLength(0);
    vi.setSystemTime(Date.now() + 2600);
    await client.getAccessToken();
    expect(refreshCalls(fake)).toHaveLength(1);
  });

  it('refreshes in the background before expiry, and a background refresh never sets loading', async () => {
    const { fake, client } = await signedIn();
    const statuses: string[] = [];
    client.subscribe(() => statuses.push(client.getState().status));
    await vi.advanceTimersByTimeAsync(239_000);
    expect(refreshCalls(fake)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(refreshCalls(fake)).toHaveLength(1);
    expect(client.getState().tokens?.accessToken).toBe('at-2');
    await vi.advanceTimersByTimeAsync(241_000);
    expect(refreshCalls(fake)).toHaveLength(2);
    expect(statuses).not.toContain('loading');
    client.destroy();
  });

  it('autoRefresh: false stops only the timer', async () => {
    const { fake, client } = await signedIn({}, { autoRefresh: false });
    await vi.advanceTimersByTimeAsync(400_000);
    expect(refreshCalls(fake)).toHaveLength(0);
    await expect(client.getAccessToken()).resolves.toBe('at-2');
  });

  it('invalid_grant ends the session (unauthenticated, token_error) and clears storage', async () => {
    const { client } = await signedIn(
      { refreshResponse: () => json({ error: 'invalid_grant', error_description: 'revoked' }, 400) },
      { autoRefresh: false },
    );
    await expect(client.refresh()).rejects.toMatchObject({ code: 'token_error', error: 'invalid_grant' });
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', user: null, tokens: null, error: { error: 'invalid_grant' } });
    expect(sessionStorage.getItem('pkce-auth:notes-spa:session')).toBeNull();
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
  });

  it('a refreshed ID token for another subject ends the session with invalid_id_token', async () => {
    const { idToken } = await import('./fixtures.js');
    const { client } = await signedIn(
      { refreshResponse: () => json({ access_token: 'x', token_type: 'Bearer', expires_in: 300, id_token: idToken({ sub: 'mallory' }) }) },
      { autoRefresh: false },
    );
    await expect(client.refresh()).rejects.toMatchObject({ code: 'invalid_id_token' });
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', user: null, tokens: null, error: { code: 'invalid_id_token' } });
    expect(sessionStorage.getItem('pkce-auth:notes-spa:session')).toBeNull();
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
  });

  it('without a session getAccessToken() and refresh() reject login_required', async () => {
    const { client } = makeClient();
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
    await expect(client.refresh()).rejects.toMatchObject({ code: 'login_required' });
  });
});

describe('a failing server', () => {
  it('server down: at most 5 refresh attempts a minute, token usable until expiry, status stays authenticated', async () => {
    const { fake, client } = await signedIn({ expiresIn: 120 });
    let attempts = 0;
    server.use(
      http.post(TOKEN_ENDPOINT, () => {
        attempts++;
        return HttpResponse.error();
      }),
    );
    // Due at 60 s; then 10 minutes of a dead server with callers asking every 100 ms.
    const start = Date.now();
    const perMinute = new Map<number, number>();
    let last = 0;
    for (let t = 0; t < 600_000; t += 100) {
      await vi.advanceTimersByTimeAsync(100);
      await client.getAccessToken().catch(() => undefined);
      if (attempts !== last) {
        const minute = Math.floor((Date.now() - start - 60_000) / 60_000);
        perMinute.set(minute, (perMinute.get(minute) ?? 0) + attempts - last);
        last = attempts;
      }
      if (Date.now() - start === 90_000) {
        expect(client.getState().status).toBe('authenticated');
        expect(client.getState().error?.code).toBe('network_error');
        await expect(client.getAccessToken()).resolves.toBe('at-1');
      }
    }
    expect(attempts).toBeGreaterThan(3);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(5);
    // Expired and unreachable: callers are refused at once with the last error, no request.
    const before = attempts;
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'network_error' });
    expect(attempts).toBe(before);
    expect(fake.calls.token).toHaveLength(1);
    client.destroy();
  });

  it('a 5xx during refresh backs off like a network failure, and recovers', async () => {
    const { fake, client } = await signedIn({}, { autoRefresh: false });
    let down = true;
    server.use(
      http.post(TOKEN_ENDPOINT, ({ request }) => (down ? new HttpResponse('busy', { status: 503 }) : passthroughToFake(request))),
    );
    const passthroughToFake = (_r: Request) => json({ access_token: 'recovered', token_type: 'Bearer', expires_in: 300, refresh_token: 'rt-x' });
    vi.setSystemTime(Date.now() + 301_000);
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'network_error', status: 503 });
    // Backing off: an immediate second call makes no request.
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'network_error' });
    down = false;
    await vi.advanceTimersByTimeAsync(1_400);
    await expect(client.getAccessToken()).resolves.toBe('recovered');
    expect(client.getState().error).toBeNull();
    expect(fake.calls.token).toHaveLength(1);
  });

  it('the online event allows one immediate attempt despite the backoff', async () => {
    const { client } = await signedIn({}, { autoRefresh: false });
    let attempts = 0;
    server.use(
      http.post(TOKEN_ENDPOINT, () => {
        attempts++;
        return attempts === 1 ? HttpResponse.error() : json({ access_token: 'back', token_type: 'Bearer', expires_in: 300 });
      }),
    );
    vi.setSystemTime(Date.now() + 301_000);
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'network_error' });
    window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toBe(2);
    await expect(client.getAccessToken()).resolves.toBe('back');
    client.destroy();
  });
});

describe('timers and listeners', () => {
  it('destroy() and logout() leave no timer behind', async () => {
    // jsdom queues a 0 ms timer per storage write (for storage events): flush those first.
    const settle = () => vi.advanceTimersByTimeAsync(1);
    const { fake, client } = await signedIn();
    await settle();
    expect(vi.getTimerCount()).toBe(1);
    client.destroy();
    expect(vi.getTimerCount()).toBe(0);
    const second = await signedIn();
    await settle();
    expect(vi.getTimerCount()).toBe(1);
    await second.client.logout({ localOnly: true });
    await settle();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(refreshCalls(fake)).toHaveLength(0);
    expect(refreshCalls(second.fake)).toHaveLength(0);
  });

  it('destroy() removes every window and document listener it added', async () => {
    const added = new Map<string, number>();
    const track = (target: EventTarget) => {
      const add = target.addEventListener.bind(target);
      const remove = target.removeEventListener.bind(target);
      vi.spyOn(target, 'addEventListener').mockImplementation((type, fn, o) => {
        added.set(type, (added.get(type) ?? 0) + 1);
        add(type, fn, o);
      });
      vi.spyOn(target, 'removeEventListener').mockImplementation((type, fn, o) => {
        added.set(type, (added.get(type) ?? 0) - 1);
        remove(type, fn, o);
      });
    };
    track(window);
    track(document);
    const { client } = makeClient({ storage: 'local' });
    expect([...added.entries()].filter(([, n]) => n > 0).map(([type]) => type).sort()).toEqual(['online', 'visibilitychange']);
    client.destroy();
    expect([...added.values()].every((n) => n === 0)).toBe(true);
    vi.restoreAllMocks();
  });
});
