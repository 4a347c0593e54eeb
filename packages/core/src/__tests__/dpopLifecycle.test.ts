// @vitest-environment node
// Node, not jsdom, for the reason given in dpop.test.ts. The DPoP key's life: made per login,
// kept while a session of this tab owns it, deleted once none does.
import 'fake-indexeddb/auto';
import '../dpop.js';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStorage } from '../storage.js';
import type { StorageLike } from '../types.js';
import { CLIENT_ID, fakeServer, ISSUER, makeClient, REDIRECT_URI, signIn, startLogin, TOKEN_ENDPOINT } from './fixtures.js';
import { clearKeys as clearClientKeys, keyIds as storedKeyIds } from './dpopKeyStore.js';
import { server } from './msw.js';

const SESSION_KEY = `pkce-auth:${CLIENT_ID}:session`;
const API = 'https://api.example.com';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const storedKey = (storage: StorageLike): string | undefined => (JSON.parse(storage.getItem(SESSION_KEY) ?? '{}') as { dpopKey?: string }).dpopKey;

const keyIds = (): Promise<string[]> => storedKeyIds(CLIENT_ID);
const clearKeys = (): Promise<void> => clearClientKeys(CLIENT_ID);

async function dpopSession(serverOpts: Parameters<typeof fakeServer>[0] = {}, storage = createMemoryStorage()) {
  await clearKeys();
  const fake = fakeServer({ tokenType: 'DPoP', ...serverOpts });
  const made = makeClient({ dpop: true, autoRefresh: false, apis: [{ url: API }], storage });
  await signIn(made.client, made.navigations, fake);
  return { fake, storage, ...made };
}

describe('the DPoP key of a session', () => {
  it('is deleted when the session ends without a logout (a refused refresh)', async () => {
    const { client, storage } = await dpopSession({ refreshResponse: () => HttpResponse.json({ error: 'invalid_grant' }, { status: 400 }) });
    const key = storedKey(storage) as string;
    expect(await keyIds()).toEqual([key]);
    await expect(client.refresh()).rejects.toMatchObject({ error: 'invalid_grant' });
    await vi.waitFor(async () => expect(await keyIds()).toEqual([]));
  });

  it("is replaced by a new login's key: the old one is deleted, the new one kept", async () => {
    const { fake, client, navigations, storage } = await dpopSession();
    const first = storedKey(storage) as string;
    await signIn(client, navigations, fake);
    const second = storedKey(storage) as string;
    expect(second).not.toBe(first);
    await vi.waitFor(async () => expect(await keyIds()).toEqual([second]));
  });

  it("of a login whose code exchange fails is deleted; the session's key stays", async () => {
    const fake = fakeServer({ tokenType: 'DPoP' });
    await clearKeys();
    const { client, navigations } = makeClient({ dpop: true, storage: createMemoryStorage() });
    const params = await startLogin(client, navigations);
    server.use(http.post(TOKEN_ENDPOINT, () => HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })));
    await expect(client.handleCallback(`${REDIRECT_URI}?code=c&state=${params.get('state')}&iss=${encodeURIComponent(ISSUER)}`)).rejects.toMatchObject({ code: 'token_error' });
    expect(await keyIds()).toEqual([]);
    void fake;
  });

  it("of an abandoned login is pruned after twice the login's lifetime, never the session's", async () => {
    const { client, navigations, storage } = await dpopSession();
    const kept = storedKey(storage) as string;
    await startLogin(client, navigations); // abandoned: never comes back
    expect(await keyIds()).toHaveLength(2);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 21 * 60_000);
    await startLogin(client, navigations); // prunes, then makes its own
    const ids = await keyIds();
    expect(ids).toHaveLength(2);
    expect(ids).toContain(kept);
  });

  it('gone from the key store ends the session at the first API call, so guards sign in again', async () => {
    const { client, storage } = await dpopSession();
    client.destroy();
    await clearKeys();
    const reloaded = makeClient({ dpop: true, apis: [{ url: API }], storage }).client;
    expect(reloaded.getState().status).toBe('authenticated');
    await expect(reloaded.fetch(`${API}/notes`)).rejects.toMatchObject({ code: 'login_required' });
    expect(reloaded.getState().status).toBe('unauthenticated');
  });

  it('borrowed by a duplicated tab is not deleted when the copy signs out: the original keeps using it', async () => {
    vi.stubGlobal('localStorage', createMemoryStorage()); // the spent-token log is the origin's
    const { fake, client: original, storage } = await dpopSession();
    const copyStorage = createMemoryStorage();
    copyStorage.setItem(SESSION_KEY, storage.getItem(SESSION_KEY) as string);
    const copy = makeClient({ dpop: true, autoRefresh: false, storage: copyStorage }).client;
    await original.refresh();
    await expect(copy.refresh()).rejects.toMatchObject({ message: expect.stringContaining('duplicated tab') });
    await copy.logout({ localOnly: true });
    original.destroy();
    const reloaded = makeClient({ dpop: true, autoRefresh: false, storage }).client;
    await reloaded.refresh();
    expect(reloaded.getState().status).toBe('authenticated');
    expect(await keyIds()).toEqual([storedKey(storage)]);
    void fake;
  });
});

describe('refresh answers for a DPoP client', () => {
  it('a Bearer token in a 200 refresh answer ends the session (the server rotated), not a back-off', async () => {
    const { client } = await dpopSession({ refreshResponse: () => HttpResponse.json({ access_token: 'x', token_type: 'Bearer', expires_in: 60, refresh_token: 'rt-x' }) });
    await expect(client.refresh()).rejects.toMatchObject({ code: 'invalid_token_response' });
    expect(client.getState().status).toBe('unauthenticated');
  });

  it('a use_dpop_nonce refusal of a refresh is retried once with the nonce; without a nonce it is not retried', async () => {
    let withNonce = 0;
    const { fake, client } = await dpopSession();
    server.use(
      http.post(TOKEN_ENDPOINT, async ({ request }) => {
        const proof = JSON.parse(Buffer.from((request.headers.get('dpop') as string).split('.')[1] as string, 'base64url').toString()) as { nonce?: string };
        if (proof.nonce === 'n-r') return undefined;
        withNonce++;
        return HttpResponse.json({ error: 'use_dpop_nonce' }, { status: 400, headers: withNonce === 1 ? { 'DPoP-Nonce': 'n-r' } : {} });
      }),
    );
    await client.refresh();
    expect(withNonce).toBe(1);
    expect(client.getState().status).toBe('authenticated');
    const before = fake.calls.token.length;
    server.use(http.post(TOKEN_ENDPOINT, () => HttpResponse.json({ error: 'use_dpop_nonce' }, { status: 400 })));
    let sent = 0;
    server.events.on('request:start', ({ request }) => void (request.url === TOKEN_ENDPOINT && sent++));
    await expect(client.refresh()).rejects.toMatchObject({ error: 'use_dpop_nonce' });
    expect(sent).toBe(1);
    server.events.removeAllListeners();
    void before;
  });

  it('an API token of a DPoP client is DPoP-bound too, proven with the same key', async () => {
    const fake = fakeServer({ tokenType: 'DPoP' });
    await clearKeys();
    const { client, navigations } = makeClient({ dpop: true, autoRefresh: false, storage: createMemoryStorage(), apis: [{ url: API, resource: 'https://api.example.com/' }] });
    await signIn(client, navigations, fake);
    const seen: Request[] = [];
    server.use(http.patch(`${API}/notes/1`, ({ request }) => (seen.push(request), HttpResponse.json({}))));
    await client.fetch(`${API}/notes/1`, { method: 'patch', body: '{}' });
    const refresh = fake.calls.token.find((call) => call.body.get('resource'));
    expect(refresh?.headers.has('dpop')).toBe(true);
    expect(seen[0]?.method).toBe('PATCH');
    expect(seen[0]?.headers.get('authorization')).toMatch(/^DPoP at-2@/);
  });
});
