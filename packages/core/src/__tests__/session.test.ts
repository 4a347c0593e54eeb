import { describe, expect, it, vi } from 'vitest';
import { CLIENT_ID, fakeServer, ISSUER, makeClient, signIn } from './fixtures.js';
import type { StorageLike } from '../types.js';

const KEY = `pkce-auth:${CLIENT_ID}:session`;
const stored = (overrides: Record<string, unknown> = {}, tokens: Record<string, unknown> = {}) => ({
  v: 2,
  issuer: ISSUER,
  clientId: CLIENT_ID,
  receivedAt: Date.now(),
  user: { sub: 'user-1', name: 'Ada' },
  refreshId: 'rid-0',
  tokens: { accessToken: 'stored-at', tokenType: 'Bearer', expiresAt: Date.now() + 300_000, refreshToken: 'rt-0', ...tokens },
  ...overrides,
});

describe('stored sessions', () => {
  it('a returning visit is authenticated on the very first getState(), with no request', () => {
    sessionStorage.setItem(KEY, JSON.stringify(stored()));
    const { client } = makeClient();
    // No msw handler is installed: any request would fail the test.
    const state = client.getState();
    expect(state).toMatchObject({ status: 'authenticated', user: { sub: 'user-1' }, tokens: { accessToken: 'stored-at' }, error: null });
    expect(client.getState()).toBe(state);
    client.destroy();
  });

  it('getAccessToken() returns a stored valid token with no request', async () => {
    sessionStorage.setItem(KEY, JSON.stringify(stored()));
    const { client } = makeClient();
    await expect(client.getAccessToken()).resolves.toBe('stored-at');
    client.destroy();
  });

  it.each([
    ['not JSON', '{nope'],
    ['a JSON string', '"hello"'],
    ['another format version', JSON.stringify(stored({ v: 1 }))],
    ['another client', JSON.stringify(stored({ clientId: 'someone-else' }))],
    ['another issuer (same client id, another tenant)', JSON.stringify(stored({ issuer: 'https://other-tenant.example.com' }))],
    ['no issuer', JSON.stringify(stored({ issuer: undefined }))],
    ['a missing access token', JSON.stringify(stored({}, { accessToken: '' }))],
    ['a string expiresAt', JSON.stringify(stored({}, { expiresAt: 'soon' }))],
    ['a user without sub', JSON.stringify(stored({ user: { name: 'x' } }))],
  ])('discards %s and ends the session cleanly', async (_what, raw) => {
    sessionStorage.setItem(KEY, raw);
    const { client } = makeClient();
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', user: null, tokens: null });
    expect(sessionStorage.getItem(KEY)).toBeNull();
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
    await expect(client.logout({ localOnly: true })).resolves.toBeUndefined();
  });

  it('a session without a refresh token ends when its access token expires, with no request', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      sessionStorage.setItem(KEY, JSON.stringify(stored({ refreshId: undefined }, { expiresAt: Date.now() + 5_000, refreshToken: undefined })));
      const { client } = makeClient();
      expect(client.getState().status).toBe('authenticated');
      await vi.advanceTimersByTimeAsync(4_900);
      expect(client.getState().status).toBe('authenticated');
      await vi.advanceTimersByTimeAsync(200);
      expect(client.getState()).toMatchObject({ status: 'unauthenticated', tokens: null, error: null });
      expect(sessionStorage.getItem(KEY)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops an expired session that has no refresh token', () => {
    sessionStorage.setItem(KEY, JSON.stringify(stored({ refreshId: undefined }, { expiresAt: Date.now() - 1000, refreshToken: undefined })));
    const { client } = makeClient();
    expect(client.getState().status).toBe('unauthenticated');
  });

  it("'session' (default) keeps tokens in sessionStorage, never localStorage", async () => {
    const fake = fakeServer();
    const { client, navigations } = makeClient();
    await signIn(client, navigations, fake);
    expect(sessionStorage.getItem(KEY)).toContain('"refreshToken":"rt-1"');
    expect(localStorage.length).toBe(0);
    client.destroy();
  });

  it("'local' keeps the session in localStorage but pending logins in sessionStorage", async () => {
    const fake = fakeServer();
    const { client, navigations } = makeClient({ storage: 'local' });
    await client.login({ returnTo: '/' });
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:pending`)).not.toBeNull();
    await signIn(client, navigations, fake);
    expect(localStorage.getItem(KEY)).toContain('rt-1');
    client.destroy();
  });

  it("'memory' writes nothing to Web Storage but the pending login", async () => {
    const fake = fakeServer();
    const { client, navigations } = makeClient({ storage: 'memory' });
    await signIn(client, navigations, fake);
    expect(client.getState().status).toBe('authenticated');
    expect(sessionStorage.getItem(KEY)).toBeNull();
    expect(localStorage.length).toBe(0);
    client.destroy();
  });

  it('uses a custom StorageLike', async () => {
    const fake = fakeServer();
    const map = new Map<string, string>();
    const custom: StorageLike = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
    const { client, navigations } = makeClient({ storage: custom });
    await signIn(client, navigations, fake);
    expect(map.get(KEY)).toContain('rt-1');
    await client.logout({ localOnly: true });
    expect(map.has(KEY)).toBe(false);
  });

  it('a storage that throws on read behaves as empty, and logout still works', async () => {
    const hostile: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: vi.fn(),
      removeItem: vi.fn(),
    };
    const { client } = makeClient({ storage: hostile });
    expect(client.getState().status).toBe('unauthenticated');
    await expect(client.logout({ localOnly: true })).resolves.toBeUndefined();
  });

  it('getState() keeps its identity until something changes, and subscribe() unsubscribes', async () => {
    const fake = fakeServer();
    const { client, navigations } = makeClient();
    const first = client.getState();
    expect(client.getState()).toBe(first);
    const seen: string[] = [];
    const unsubscribe = client.subscribe(() => seen.push(client.getState().status));
    await signIn(client, navigations, fake);
    expect(seen).toContain('authenticated');
    expect(client.getState()).not.toBe(first);
    expect(Object.isFrozen(client.getState())).toBe(true);
    unsubscribe();
    await client.logout({ localOnly: true });
    expect(seen.at(-1)).toBe('authenticated');
    expect(client.getState().status).toBe('unauthenticated');
  });
});
