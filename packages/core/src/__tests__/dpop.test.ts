// @vitest-environment node
// Node, not jsdom: under jsdom, WebCrypto's ArrayBuffers come from another realm than the page's,
// which oauth4webapi's DPoP code (rightly) does not accept. Storage is an explicit StorageLike.
import 'fake-indexeddb/auto';
import '../dpop.js';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors.js';
import { CLIENT_ID, fakeServer, json, makeClient, REDIRECT_URI, signIn, startLogin, TOKEN_ENDPOINT, ISSUER } from './fixtures.js';
import { deleteKey, readKey } from './dpopKeyStore.js';
import { server } from './msw.js';
import { createMemoryStorage } from '../storage.js';
import type { StorageLike } from '../types.js';

const API = 'https://api.example.com';

/** The decoded header and payload of a compact JWS. */
function decode(jwt: string | null): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  expect(jwt).toBeTypeOf('string');
  const [header, payload] = (jwt as string).split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
  return { header: header as Record<string, unknown>, payload: payload as Record<string, unknown> };
}

const sha256 = async (value: string): Promise<string> => Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))).toString('base64url');

/** RFC 7638 thumbprint of a P-256 public JWK. */
const thumbprint = (jwk: Record<string, unknown>): Promise<string> => sha256(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }));

const SESSION_KEY = `pkce-auth:${CLIENT_ID}:session`;

async function dpopSession(serverOpts: Parameters<typeof fakeServer>[0] = {}, clientOpts: Parameters<typeof makeClient>[0] = {}) {
  const fake = fakeServer({ tokenType: 'DPoP', ...serverOpts });
  const storage = createMemoryStorage();
  const made = makeClient({ dpop: true, autoRefresh: false, apis: [{ url: API }], storage, ...clientOpts });
  await signIn(made.client, made.navigations, fake);
  return { fake, storage, ...made };
}

const storedKey = (storage: StorageLike): string => (JSON.parse(storage.getItem(SESSION_KEY) as string) as { dpopKey: string }).dpopKey;

describe('dpop: true — token requests', () => {
  it('binds the code to the key: dpop_jkt is the thumbprint of the key that signs the code exchange proof', async () => {
    const { fake, client, navigations } = await dpopSession();
    const jkt = new URL(navigations[0] as string).searchParams.get('dpop_jkt');
    const proof = decode(fake.calls.token[0]?.headers.get('dpop') ?? null);
    expect(proof.header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(proof.header.jwk).not.toHaveProperty('d');
    expect(proof.payload).toMatchObject({ htm: 'POST', htu: TOKEN_ENDPOINT });
    expect(proof.payload.jti).toBeTypeOf('string');
    expect(Math.abs((proof.payload.iat as number) - Date.now() / 1000)).toBeLessThan(5);
    expect(jkt).toBe(await thumbprint(proof.header.jwk as Record<string, unknown>));
    expect(client.getState().tokens?.tokenType).toBe('DPoP');
  });

  it('proves refreshes with the same key, and a new login gets a new key', async () => {
    const { fake, client, navigations } = await dpopSession();
    await client.refresh();
    const [code, refresh] = fake.calls.token.map((call) => decode(call.headers.get('dpop')));
    expect(refresh?.header.jwk).toEqual(code?.header.jwk);
    expect(refresh?.payload.jti).not.toBe(code?.payload.jti);
    const again = await startLogin(client, navigations);
    expect(again.get('dpop_jkt')).not.toBe(new URL(navigations[0] as string).searchParams.get('dpop_jkt'));
  });

  it('retries a use_dpop_nonce refusal once, with the nonce the server sent', async () => {
    let asked = 0;
    const fake = fakeServer({ tokenType: 'DPoP' });
    server.use(
      http.post(TOKEN_ENDPOINT, ({ request }) => {
        if (request.headers.get('dpop') && !decode(request.headers.get('dpop')).payload.nonce && ++asked) {
          return HttpResponse.json({ error: 'use_dpop_nonce', error_description: 'nonce required' }, { status: 400, headers: { 'DPoP-Nonce': 'n-1' } });
        }
        return undefined;
      }),
    );
    const { client, navigations } = makeClient({ dpop: true, autoRefresh: false });
    await signIn(client, navigations, fake);
    expect(asked).toBe(1);
    expect(client.getState().status).toBe('authenticated');
    expect(decode(fake.calls.token[0]?.headers.get('dpop') ?? null).payload.nonce).toBe('n-1');
  });

  it('never loops: a server that refuses every nonce gets two requests, then the error', async () => {
    let requests = 0;
    server.use(
      http.get(`${ISSUER}/.well-known/openid-configuration`, () => json(fakeDiscovery())),
      http.post(TOKEN_ENDPOINT, () => {
        requests++;
        return HttpResponse.json({ error: 'use_dpop_nonce' }, { status: 400, headers: { 'DPoP-Nonce': `n-${requests}` } });
      }),
    );
    const { client, navigations } = makeClient({ dpop: true });
    const params = await startLogin(client, navigations);
    await expect(client.handleCallback(`${REDIRECT_URI}?code=c&state=${params.get('state')}&iss=${encodeURIComponent(ISSUER)}`)).rejects.toMatchObject({
      code: 'token_error',
      error: 'use_dpop_nonce',
    });
    expect(requests).toBe(2);
  });

  it('refuses a Bearer token where a DPoP-bound one was asked for, and a DPoP token for a Bearer client', async () => {
    const bearerForDpop = fakeServer({ tokenType: 'Bearer' });
    const a = makeClient({ dpop: true });
    await expect(signIn(a.client, a.navigations, bearerForDpop)).rejects.toMatchObject({ code: 'invalid_token_response', message: expect.stringContaining('token_type') });
    const dpopForBearer = fakeServer({ tokenType: 'DPoP' });
    const b = makeClient();
    await expect(signIn(b.client, b.navigations, dpopForBearer)).rejects.toMatchObject({ code: 'invalid_token_response' });
  });
});

function fakeDiscovery(): Record<string, unknown> {
  return { issuer: ISSUER, authorization_endpoint: `${ISSUER}/authorize`, token_endpoint: TOKEN_ENDPOINT, code_challenge_methods_supported: ['S256'] };
}

describe('dpop: true — the key', () => {
  it('is non-extractable, survives a reload (a new client on the same storage), and is deleted at logout', async () => {
    const { fake, client, storage } = await dpopSession();
    const stored = { dpopKey: storedKey(storage) };
    const keys = await readKey(stored.dpopKey);
    expect(keys?.privateKey.extractable).toBe(false);
    client.destroy();
    const reloaded = makeClient({ dpop: true, autoRefresh: false, apis: [{ url: API }], storage }).client;
    await reloaded.refresh();
    const [first, afterReload] = [fake.calls.token[0], fake.calls.token.at(-1)].map((call) => decode(call?.headers.get('dpop') ?? null));
    expect(afterReload?.header.jwk).toEqual(first?.header.jwk);
    await reloaded.logout({ localOnly: true });
    expect(await readKey(stored.dpopKey)).toBeUndefined();
  });

  it('a session whose key is gone ends with login_required at its next refresh, sending nothing', async () => {
    const { fake, client, storage } = await dpopSession();
    const dpopKey = storedKey(storage);
    client.destroy();
    await deleteKey(dpopKey);
    const reloaded = makeClient({ dpop: true, autoRefresh: false, storage }).client;
    const before = fake.calls.token.length;
    await expect(reloaded.refresh()).rejects.toMatchObject({ code: 'login_required' });
    expect(fake.calls.token.length).toBe(before);
    expect(reloaded.getState().status).toBe('unauthenticated');
  });

  it('without IndexedDB, login rejects invalid_config and no request is made; never a silent Bearer', async () => {
    fakeServer({ tokenType: 'DPoP' });
    const saved = globalThis.indexedDB;
    // @ts-expect-error: a browser without IndexedDB
    delete globalThis.indexedDB;
    try {
      const { client, navigations } = makeClient({ dpop: true });
      await expect(client.login()).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringContaining('IndexedDB') });
      expect(navigations).toEqual([]);
    } finally {
      globalThis.indexedDB = saved;
    }
  });

  it("with storage: 'memory' the key lives in memory: no IndexedDB needed", async () => {
    const saved = globalThis.indexedDB;
    // @ts-expect-error: a browser without IndexedDB
    delete globalThis.indexedDB;
    try {
      const { client, fake } = await dpopSession({}, { storage: 'memory' });
      await client.refresh();
      expect(fake.calls.token.map((call) => call.headers.has('dpop'))).toEqual([true, true]);
    } finally {
      globalThis.indexedDB = saved;
    }
  });
});

describe('dpop: true — stored sessions', () => {
  it('a stored Bearer session (no key) is not taken up by a DPoP client', async () => {
    const bearer = fakeServer();
    const storage = createMemoryStorage();
    const plain = makeClient({ storage });
    await signIn(plain.client, plain.navigations, bearer);
    plain.client.destroy();
    const { client } = makeClient({ dpop: true, storage });
    expect(client.getState().status).toBe('unauthenticated');
    expect(storage.getItem(SESSION_KEY)).toBeNull();
  });

  it('a stored DPoP session that names no key is discarded (its tokens could not be proven)', async () => {
    const { client, storage } = await dpopSession();
    client.destroy();
    const { dpopKey: _key, ...keyless } = JSON.parse(storage.getItem(SESSION_KEY) as string) as Record<string, unknown>;
    storage.setItem(SESSION_KEY, JSON.stringify(keyless));
    expect(makeClient({ dpop: true, storage }).client.getState().status).toBe('unauthenticated');
    expect(storage.getItem(SESSION_KEY)).toBeNull();
  });
});

describe('dpop: true — API requests', () => {
  it('auth.fetch sends Authorization: DPoP with a proof of htm, htu (no query) and ath', async () => {
    const { client } = await dpopSession();
    const seen: Request[] = [];
    server.use(http.post(`${API}/notes`, ({ request }) => (seen.push(request), HttpResponse.json({ ok: true }))));
    await client.fetch(`${API}/notes?x=1`, { method: 'POST', body: 'hi' });
    const token = client.getState().tokens?.accessToken as string;
    expect(seen[0]?.headers.get('authorization')).toBe(`DPoP ${token}`);
    const proof = decode(seen[0]?.headers.get('dpop') ?? null);
    expect(proof.payload).toMatchObject({ htm: 'POST', htu: `${API}/notes`, ath: await sha256(token) });
    expect(await seen[0]?.text()).toBe('hi');
  });

  it("retries the API's use_dpop_nonce once with its nonce, remembers it for the origin, and never loops", async () => {
    const { client } = await dpopSession();
    const nonces: unknown[] = [];
    server.use(
      http.get(`${API}/notes`, ({ request }) => {
        const nonce = decode(request.headers.get('dpop')).payload.nonce;
        nonces.push(nonce);
        if (nonce === 'rs-1') return HttpResponse.json([]);
        return new HttpResponse(null, { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'rs-1' } });
      }),
      http.get(`${API}/always`, () => new HttpResponse(null, { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'rs-2' } })),
    );
    expect((await client.fetch(`${API}/notes`)).status).toBe(200);
    expect(nonces).toEqual([undefined, 'rs-1']);
    const headers = await client.getAuthHeaders({ url: `${API}/always` });
    expect(decode(headers.DPoP ?? null).payload.nonce).toBe('rs-1');
    let always = 0;
    server.events.on('request:start', ({ request }) => void (request.url.endsWith('/always') && always++));
    expect((await client.fetch(`${API}/always`)).status).toBe(401);
    // Two sends for the nonce, then the 401's one refresh and its replay with the new token (two more).
    expect(always).toBe(4);
    server.events.removeAllListeners();
  });

  it('getAuthHeaders gives the same headers for another HTTP client, only for URLs under apis', async () => {
    const { client } = await dpopSession();
    const headers = await client.getAuthHeaders({ url: `${API}/notes/5`, method: 'delete' });
    expect(headers.Authorization).toBe(`DPoP ${client.getState().tokens?.accessToken}`);
    expect(decode(headers.DPoP ?? null).payload).toMatchObject({ htm: 'DELETE', htu: `${API}/notes/5` });
    await expect(client.getAuthHeaders({ url: 'https://evil.example/notes' })).rejects.toBeInstanceOf(AuthError);
  });

  it('a Bearer client gets Bearer headers', async () => {
    const fake = fakeServer();
    const { client, navigations } = makeClient({ apis: [{ url: API }] });
    await signIn(client, navigations, fake);
    expect(await client.getAuthHeaders({ url: `${API}/notes` })).toEqual({ Authorization: `Bearer ${client.getState().tokens?.accessToken}` });
  });
});
