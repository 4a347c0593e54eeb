/**
 * The tags API against the real dev server: one sign-in asks for both APIs (two `resource`s, as
 * the app does), the code gives the notes API's token, and a refresh with `resource` the tags
 * API's, Bearer or (with a DPoP proof at the token endpoint) bound to a key.
 */
import { signIn, startDevServer } from '@pkce-auth/dev-server';
import type { DevServer } from '@pkce-auth/dev-server';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DPOP_ALGS } from '../accessTokens.mjs';
import { createNotesApi } from '../notesApi.mjs';
import type { NotesApi } from '../notesApi.mjs';
import { createTagsApi } from '../tagsApi.mjs';
import type { TagsApi } from '../tagsApi.mjs';
import { dpopKey, type DpopKey } from './dpopClient.js';
import { startTestIssuer } from './testIssuer.js';

const NOTES = 'http://localhost:4001';
const TAGS = 'http://localhost:4002';
const APP_ORIGIN = 'http://localhost:5173';
const ALGS = `algs="${DPOP_ALGS.join(' ')}"`;

let auth: DevServer;
let tokenEndpoint: string;
let tags: TagsApi;
let notes: NotesApi;

interface TokenResponse {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  error?: string;
}

/** Signs a person in for both APIs; the access token is the notes API's (the server's default). */
async function signInForBoth(username = 'demo'): Promise<{ accessToken: string; refreshToken: string }> {
  const tokens = await signIn({
    issuer: auth.issuer,
    username,
    password: username,
    scope: 'openid offline_access notes:read notes:write tags:read',
    resource: [NOTES, TAGS],
  });
  expect(tokens.refresh_token).toEqual(expect.any(String));
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token as string };
}

/** A refresh-token grant for `resource`; with `dpop`, its proof (after the server's use_dpop_nonce, with its nonce). */
async function refreshFor(refreshToken: string, resource: string, dpop?: DpopKey): Promise<TokenResponse> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'notes-spa', refresh_token: refreshToken, resource });
  let nonce: string | undefined;
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (dpop) headers['dpop'] = await dpop.proof('POST', tokenEndpoint, nonce ? { nonce } : {});
    const res = await fetch(tokenEndpoint, { method: 'POST', headers, body });
    const json = (await res.json()) as TokenResponse;
    if (dpop && attempt === 0 && json.error === 'use_dpop_nonce') {
      nonce = res.headers.get('dpop-nonce') ?? undefined;
      continue;
    }
    expect(res.status, JSON.stringify(json)).toBe(200);
    return json;
  }
}

/** GET /tags with `Authorization: <scheme> <token>` and, when given, a `DPoP` proof. */
function getTags(token: string, { scheme = 'Bearer', proof, target = tags }: { scheme?: string; proof?: string; target?: { url: string } } = {}) {
  return fetch(`${target.url}/tags`, { headers: { authorization: `${scheme} ${token}`, ...(proof ? { dpop: proof } : {}) } });
}

beforeAll(async () => {
  auth = await startDevServer({ port: 0, resource: NOTES, tagsResource: TAGS });
  tokenEndpoint = ((await (await fetch(`${auth.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string }).token_endpoint;
  tags = await createTagsApi({ issuer: auth.issuer, audience: TAGS, port: 0, allowedOrigins: [APP_ORIGIN] });
  notes = await createNotesApi({ issuer: auth.issuer, audience: NOTES, port: 0 });
});

afterAll(async () => {
  await tags?.stop();
  await notes?.stop();
  await auth?.stop();
});

describe('tags API: audience and scope', () => {
  it('refuses the notes API\'s token with 401 invalid_token naming the audience it takes', async () => {
    const { accessToken } = await signInForBoth();
    expect(decodeJwt(accessToken).aud).toBe(NOTES);
    // The same token is good at the notes API …
    expect((await fetch(`${notes.url}/notes`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);
    // … and refused here.
    const res = await getTags(accessToken);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="the access token's aud claim [^"]*http:\/\/localhost:4002"$/);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_token');
    expect(body.error_description).toContain(`takes tokens for ${TAGS}`);
  });

  it('lists each person\'s tags with a tags token, which the notes API refuses in turn', async () => {
    const demo = await refreshFor((await signInForBoth('demo')).refreshToken, TAGS);
    expect(demo.token_type).toBe('Bearer');
    expect(decodeJwt(demo.access_token)).toMatchObject({ aud: TAGS, scope: 'tags:read', sub: 'demo-user' });
    const res = await getTags(demo.access_token);
    expect(res.status).toBe(200);
    expect(res.headers.get('dpop-nonce')).toBeNull();
    expect(await res.json()).toEqual({ tags: ['home', 'ideas', 'work'] });

    const alice = await refreshFor((await signInForBoth('alice')).refreshToken, TAGS);
    expect(await (await getTags(alice.access_token)).json()).toEqual({ tags: ['books', 'travel'] });

    const atNotes = await fetch(`${notes.url}/notes`, { headers: { authorization: `Bearer ${demo.access_token}` } });
    expect(atNotes.status).toBe(401);
    expect(((await atNotes.json()) as { error_description: string }).error_description).toContain(`takes tokens for ${NOTES}`);
  });

  it('answers 403 insufficient_scope without tags:read, and 403 person_required to a machine\'s token', async () => {
    // The dev server only issues tags tokens with tags:read, so these are signed by a test issuer.
    const issuer = await startTestIssuer(TAGS);
    const api = await createTagsApi({ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, audience: TAGS, port: 0 });
    try {
      const noScope = await getTags(await issuer.sign({ sub: 'demo-user', client_id: 'notes-spa', scope: 'notes:read' }), { target: api });
      expect(noScope.status).toBe(403);
      expect(noScope.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="tags:read"');

      const machine = await getTags(await issuer.sign({ sub: 'notes-machine', client_id: 'notes-machine', scope: 'tags:read' }), { target: api });
      expect(machine.status).toBe(403);
      expect(((await machine.json()) as { error: string }).error).toBe('person_required');

      const ok = await getTags(await issuer.sign({ sub: 'demo-user', client_id: 'notes-spa', scope: 'tags:read' }), { target: api });
      expect(await ok.json()).toEqual({ tags: ['home', 'ideas', 'work'] });
    } finally {
      await api.stop();
      await issuer.stop();
    }
  });

  it('answers 401 with bare Bearer and DPoP challenges without a token', async () => {
    const res = await fetch(`${tags.url}/tags`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer, DPoP ${ALGS}`);
  });
});

describe('tags API: a DPoP-bound tags token', () => {
  let key: DpopKey;
  let bound: string;

  beforeAll(async () => {
    key = await dpopKey();
    const tokens = await refreshFor((await signInForBoth()).refreshToken, TAGS, key);
    expect(tokens.token_type).toBe('DPoP');
    bound = tokens.access_token;
    expect(decodeJwt(bound)).toMatchObject({ aud: TAGS, scope: 'tags:read', cnf: { jkt: key.jkt } });
  });

  it('works with a proof for this API\'s URL, after its use_dpop_nonce', async () => {
    const first = await getTags(bound, { scheme: 'DPoP', proof: await key.proof('GET', `${tags.url}/tags`, { accessToken: bound }) });
    expect(first.status).toBe(401);
    expect(first.headers.get('www-authenticate')).toMatch(new RegExp(`^DPoP error="use_dpop_nonce", error_description="[^"]+", ${ALGS}$`));
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{16,}$/);

    const retry = await getTags(bound, { scheme: 'DPoP', proof: await key.proof('GET', `${tags.url}/tags`, { accessToken: bound, nonce: nonce as string }) });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ tags: ['home', 'ideas', 'work'] });
    expect(retry.headers.get('dpop-nonce')).toBe(nonce);
  });

  it('is refused without a proof, as Bearer, and with a proof for another API\'s URL', async () => {
    const noProof = await getTags(bound, { scheme: 'DPoP' });
    expect(noProof.status).toBe(401);
    expect(((await noProof.json()) as { error: string }).error).toBe('invalid_dpop_proof');
    const nonce = noProof.headers.get('dpop-nonce') as string;
    expect(nonce).toBeTruthy();

    const asBearer = await getTags(bound);
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(new RegExp(`^Bearer error="invalid_token", error_description="[^"]*DPoP[^"]*", DPoP ${ALGS}$`));

    // A proof the app would send to the notes API (its htu) does not open the tags API.
    const forNotes = await getTags(bound, { scheme: 'DPoP', proof: await key.proof('GET', `${notes.url}/tags`, { accessToken: bound, nonce }) });
    expect(forNotes.status).toBe(401);
    expect(((await forNotes.json()) as { error_description: string }).error_description).toBe(`the DPoP proof's htu is not ${tags.url}/tags`);

    // A proof by another key is refused too, while this key's proof with the nonce is accepted.
    const stranger = await dpopKey();
    const byStranger = await getTags(bound, { scheme: 'DPoP', proof: await stranger.proof('GET', `${tags.url}/tags`, { accessToken: bound, nonce }) });
    expect(((await byStranger.json()) as { error_description: string }).error_description).toMatch(/another key/);
    expect((await getTags(bound, { scheme: 'DPoP', proof: await key.proof('GET', `${tags.url}/tags`, { accessToken: bound, nonce }) })).status).toBe(200);
  });
});

describe('tags API: CORS', () => {
  it('lets the app\'s origin send Authorization and DPoP, and read WWW-Authenticate and DPoP-Nonce', async () => {
    const preflight = await fetch(`${tags.url}/tags`, {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, dpop' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/\bAuthorization\b.*\bDPoP\b/i);

    const refused = await fetch(`${tags.url}/tags`, { headers: { origin: APP_ORIGIN } });
    const exposed = (refused.headers.get('access-control-expose-headers') ?? '').split(/\s*,\s*/).map((h) => h.toLowerCase());
    expect(exposed).toEqual(expect.arrayContaining(['www-authenticate', 'dpop-nonce']));

    const other = await fetch(`${tags.url}/tags`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
