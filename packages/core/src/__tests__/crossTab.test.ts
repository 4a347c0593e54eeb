import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLIENT_ID, fakeServer, json, makeClient, signIn } from './fixtures.js';

const KEY = `pkce-auth:${CLIENT_ID}:session`;

/** A Web Locks double: one holder per name, FIFO, with counters to prove nothing stays held. */
function installLocks() {
  const tails = new Map<string, Promise<unknown>>();
  const stats = { held: 0, requests: 0 };
  const locks = {
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      stats.requests++;
      const run = (tails.get(name) ?? Promise.resolve()).then(async () => {
        stats.held++;
        try {
          return await callback();
        } finally {
          stats.held--;
        }
      });
      tails.set(name, run.catch(() => undefined));
      return run;
    },
  };
  Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
  return stats;
}

const refreshCalls = (fake: ReturnType<typeof fakeServer>) => fake.calls.token.filter((c) => c.body.get('grant_type') === 'refresh_token');

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  Reflect.deleteProperty(navigator, 'locks');
  vi.unstubAllGlobals();
});

async function twoTabs(opts: Parameters<typeof fakeServer>[0] = {}) {
  const fake = fakeServer(opts);
  const a = makeClient({ storage: 'local', autoRefresh: false });
  await signIn(a.client, a.navigations, fake);
  // Tab B opens later and reads the shared session.
  const b = makeClient({ storage: 'local', autoRefresh: false });
  expect(b.client.getState().tokens?.accessToken).toBe('at-1');
  return { fake, a: a.client, b: b.client };
}

describe("tabs sharing a session ('local')", () => {
  it('two tabs asking for the same API token at once send one refresh request with resource, and both get that token', async () => {
    installLocks();
    const fake = fakeServer();
    const apis = [{ url: 'https://tags.example.com', resource: 'https://tags.example.com/' }];
    const a = makeClient({ storage: 'local', autoRefresh: false, apis });
    await signIn(a.client, a.navigations, fake);
    const b = makeClient({ storage: 'local', autoRefresh: false, apis }).client;
    const target = { resource: 'https://tags.example.com/' };
    const tokens = await Promise.all([a.client.getAccessToken(target), b.getAccessToken(target), b.getAccessToken(target)]);
    expect(refreshCalls(fake).map((call) => call.body.get('resource'))).toEqual(['https://tags.example.com/']);
    expect(new Set(tokens)).toEqual(new Set(['at-2@https://tags.example.com/']));
    // The rotated refresh token is both tabs': the next refresh presents it, not the spent one.
    await b.refresh();
    expect(refreshCalls(fake).at(-1)?.body.get('refresh_token')).toBe('rt-2');
  });

  it('two tabs refreshing at once after expiry send exactly one refresh request and hold the same new token', async () => {
    const stats = installLocks();
    const { fake, a, b } = await twoTabs();
    vi.setSystemTime(Date.now() + 301_000);
    const tokens = await Promise.all([a.getAccessToken(), b.getAccessToken(), a.getAccessToken(), b.getAccessToken()]);
    expect(refreshCalls(fake)).toHaveLength(1);
    expect(new Set(tokens)).toEqual(new Set(['at-2']));
    expect(a.getState().tokens?.accessToken).toBe('at-2');
    expect(b.getState().tokens?.accessToken).toBe('at-2');
    expect(stats.held).toBe(0);
  });

  it('without Web Locks, a storage lease still allows one refresh for both tabs', async () => {
    const { fake, a, b } = await twoTabs();
    vi.setSystemTime(Date.now() + 301_000);
    const tokens = await Promise.all([a.getAccessToken(), b.getAccessToken()]);
    expect(refreshCalls(fake)).toHaveLength(1);
    expect(new Set(tokens)).toEqual(new Set(['at-2']));
    expect(localStorage.getItem(`pkce-auth:${CLIENT_ID}:refresh-lease`)).toBeNull();
  });

  it('the 5-a-minute refresh limit is the session’s, not the tab’s: two tabs together send at most 5', async () => {
    installLocks();
    const { fake, a, b } = await twoTabs();
    // Each tab first takes in the other's refresh (BroadcastChannel), so each refresh() sends one.
    const synced = () => new Promise((resolve) => setTimeout(resolve, 20));
    for (const tab of [a, b, a, b, a]) {
      await tab.refresh();
      await synced();
    }
    expect(refreshCalls(fake)).toHaveLength(5);
    expect(b.getState().tokens?.accessToken).toBe('at-6');
    await expect(b.refresh()).rejects.toMatchObject({ code: 'network_error', message: expect.stringContaining('5 refresh requests this minute') });
    await expect(a.refresh()).rejects.toMatchObject({ code: 'network_error' });
    expect(refreshCalls(fake)).toHaveLength(5);
    vi.setSystemTime(Date.now() + 60_001);
    await b.refresh();
    expect(refreshCalls(fake)).toHaveLength(6);
  });

  it('after one tab refreshes, the other shows the new token without a request of its own', async () => {
    installLocks();
    const { fake, a, b } = await twoTabs();
    await a.refresh();
    await vi.waitFor(() => expect(b.getState().tokens?.accessToken).toBe('at-2'));
    await expect(b.getAccessToken()).resolves.toBe('at-2');
    expect(refreshCalls(fake)).toHaveLength(1);
  });

  it('a tab that loses the race (invalid_grant after another tab rotated) adopts the newer session', async () => {
    installLocks();
    let first = true;
    const { fake, b } = await twoTabs({
      refreshResponse: () => {
        if (!first) return json({ error: 'unexpected' }, 500);
        first = false;
        // Another tab rotated rt-1 at the server an instant earlier and stored its result.
        const session = JSON.parse(localStorage.getItem(KEY) ?? '{}') as { tokens: Record<string, unknown> };
        session.tokens = { ...session.tokens, accessToken: 'winner-at', refreshToken: 'winner-rt', expiresAt: Date.now() + 300_000 };
        localStorage.setItem(KEY, JSON.stringify(session));
        return json({ error: 'invalid_grant', error_description: 'grant request is invalid' }, 400);
      },
    });
    await b.refresh();
    expect(b.getState()).toMatchObject({ status: 'authenticated', tokens: { accessToken: 'winner-at' }, error: null });
    expect(refreshCalls(fake)).toHaveLength(1);
  });

  it('a logout in one tab signs the other out', async () => {
    const { a, b } = await twoTabs();
    await a.logout({ localOnly: true });
    await vi.waitFor(() => expect(b.getState().status).toBe('unauthenticated'));
    await expect(b.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
  });

  it('a login in one tab signs the other in', async () => {
    const fake = fakeServer();
    const a = makeClient({ storage: 'local', autoRefresh: false });
    const b = makeClient({ storage: 'local', autoRefresh: false });
    expect(b.client.getState().status).toBe('unauthenticated');
    await signIn(a.client, a.navigations, fake);
    await vi.waitFor(() => expect(b.client.getState()).toMatchObject({ status: 'authenticated', user: { sub: 'user-1' } }));
  });

  it('without BroadcastChannel, the storage event keeps the tabs in step', async () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const { a, b } = await twoTabs();
    await a.logout({ localOnly: true });
    // Same window here, so deliver what the browser would send the other tab.
    expect(b.getState().status).toBe('authenticated');
    window.dispatchEvent(new StorageEvent('storage', { key: KEY, newValue: null }));
    expect(b.getState().status).toBe('unauthenticated');
  });

  it("with 'session' storage no channel is opened and tabs stay independent", async () => {
    const channels = countChannels();
    const fake = fakeServer();
    const a = makeClient({ autoRefresh: false });
    await signIn(a.client, a.navigations, fake);
    expect(channels.opened).toBe(0);
    // A message from a 'local' tab of the same client does not reach it.
    const other = new BroadcastChannel(`pkce-auth:${CLIENT_ID}`);
    other.postMessage({ type: 'session-changed', from: 'x' });
    other.close();
    expect(localStorage.getItem(KEY)).toBeNull();
    expect(a.client.getState()).toMatchObject({ status: 'authenticated', tokens: { accessToken: 'at-1' } });
  });

  it('logout() and destroy() close every channel and leave no lock held', async () => {
    const stats = installLocks();
    const channels = countChannels();
    const { a, b } = await twoTabs();
    expect(channels.opened).toBe(2);
    await a.refresh();
    await a.logout({ localOnly: true });
    a.destroy();
    b.destroy();
    expect(channels.closed).toBe(2);
    expect(stats.held).toBe(0);
    expect(stats.requests).toBeGreaterThan(0);
  });
});

/** Replaces BroadcastChannel with a subclass that counts opened and closed channels. */
function countChannels() {
  const counts = { opened: 0, closed: 0 };
  const Real = globalThis.BroadcastChannel;
  class Counting extends Real {
    constructor(name: string) {
      super(name);
      counts.opened++;
    }
    override close(): void {
      counts.closed++;
      super.close();
    }
  }
  vi.stubGlobal('BroadcastChannel', Counting);
  return counts;
}
