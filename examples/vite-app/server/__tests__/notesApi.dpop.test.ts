import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNotesApi, DPOP_ALGS } from '../notesApi.mjs';
import type { NotesApi } from '../notesApi.mjs';
import { dpopKey, type DpopKey, type ProofOptions } from './dpopClient.js';
import { startTestIssuer, withApi, type TestIssuer } from './testIssuer.js';

const AUDIENCE = 'http://localhost:4001';
const APP_ORIGIN = 'http://localhost:5173';
const SCOPE = 'notes:read notes:write';
const ALGS = `algs="${DPOP_ALGS.join(' ')}"`;

let issuer: TestIssuer;
let api: NotesApi;
let key: DpopKey;
/** Bound to `key` (cnf.jkt). */
let boundToken: string;

const bound = (dpop: DpopKey, scope = SCOPE) => issuer.sign({ sub: 'demo-user', client_id: 'notes-spa', scope, cnf: { jkt: dpop.jkt } });

interface DpopCall {
  method?: string;
  token?: string;
  dpop?: DpopKey;
  nonce?: string;
  /** The proof's htu. Default: the URL called. */
  htu?: string;
  /** The proof's htm. Default: `method`. */
  htm?: string;
  proof?: ProofOptions;
  /** A ready proof instead of a fresh one. */
  proofJwt?: string;
  scheme?: string;
  body?: unknown;
  target?: NotesApi;
}

async function dpopCall(path: string, call: DpopCall = {}): Promise<Response> {
  const target = call.target ?? api;
  const method = call.method ?? 'GET';
  const token = call.token ?? boundToken;
  const url = `${target.url}${path}`;
  const proof =
    call.proofJwt ??
    (await (call.dpop ?? key).proof(call.htm ?? method, call.htu ?? url, {
      accessToken: token,
      ...(call.nonce ? { nonce: call.nonce } : {}),
      ...call.proof,
    }));
  const headers: Record<string, string> = { authorization: `${call.scheme ?? 'DPoP'} ${token}`, dpop: proof };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(url, { method, headers, ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}) });
}

/** The API's current nonce, as a client learns it: from the refusal of a proof without one. */
async function nonceOf(target: NotesApi = api): Promise<string> {
  const res = await dpopCall('/notes', { target });
  expect(res.status).toBe(401);
  const nonce = res.headers.get('dpop-nonce');
  expect(nonce).toBeTruthy();
  return nonce as string;
}

async function expectRefusal(res: Response, error: string, description?: RegExp): Promise<void> {
  expect(res.status).toBe(401);
  const challenge = res.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(new RegExp(`^DPoP error="${error}", error_description="[^"]+", ${ALGS}$`));
  const body = (await res.json()) as { error: string; error_description: string };
  expect(body.error).toBe(error);
  if (description) expect(body.error_description).toMatch(description);
}

beforeAll(async () => {
  issuer = await startTestIssuer(AUDIENCE);
  api = await createNotesApi({ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, audience: AUDIENCE, port: 0, allowedOrigins: [APP_ORIGIN] });
  key = await dpopKey();
  boundToken = await bound(key);
});

afterAll(async () => {
  await api?.stop();
  await issuer?.stop();
});

describe('notes API: DPoP-bound tokens (RFC 9449)', () => {
  it('answers a proof without its nonce with use_dpop_nonce and a DPoP-Nonce, and the retry with that nonce with 200', async () => {
    const first = await dpopCall('/notes');
    await expectRefusal(first, 'use_dpop_nonce', /nonce/);
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{16,}$/);

    const retry = await dpopCall('/notes', { nonce: nonce as string });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ notes: [] });
    expect(retry.headers.get('dpop-nonce')).toBe(nonce);
  });

  it('adds, lists and deletes notes with DPoP, each call with a fresh proof', async () => {
    const nonce = await nonceOf();
    const created = await dpopCall('/notes', { method: 'POST', nonce, body: { text: 'bound note' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('dpop-nonce')).toBe(nonce);
    const { note } = (await created.json()) as { note: { id: string } };
    const listed = (await (await dpopCall('/notes', { nonce })).json()) as { notes: Array<{ id: string }> };
    expect(listed.notes.map((n) => n.id)).toContain(note.id);
    const deleted = await dpopCall(`/notes/${note.id}`, { method: 'DELETE', nonce });
    expect(deleted.status).toBe(204);
    expect(deleted.headers.get('dpop-nonce')).toBe(nonce);
  });

  it('refuses a DPoP-bound token presented as Bearer, with or without a proof', async () => {
    const plain = await fetch(`${api.url}/notes`, { headers: { authorization: `Bearer ${boundToken}` } });
    expect(plain.status).toBe(401);
    expect(plain.headers.get('www-authenticate')).toMatch(new RegExp(`^Bearer error="invalid_token", error_description="[^"]*DPoP[^"]*", DPoP ${ALGS}$`));
    expect(((await plain.json()) as { error: string }).error).toBe('invalid_token');

    const withProof = await dpopCall('/notes', { scheme: 'Bearer', nonce: await nonceOf() });
    expect(withProof.status).toBe(401);
    expect(withProof.headers.get('www-authenticate')).toMatch(new RegExp(`^Bearer error="invalid_token", error_description="[^"]+", DPoP ${ALGS}$`));
  });

  it('still accepts a Bearer token without cnf, and sends it no DPoP-Nonce', async () => {
    const token = await issuer.sign({ sub: 'plain-user', client_id: 'notes-spa', scope: SCOPE });
    const res = await fetch(`${api.url}/notes`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('dpop-nonce')).toBeNull();
  });

  it('refuses a token without cnf.jkt presented with the DPoP scheme', async () => {
    const token = await issuer.sign({ sub: 'plain-user', client_id: 'notes-spa', scope: SCOPE });
    const res = await dpopCall('/notes', { token, nonce: await nonceOf() });
    await expectRefusal(res, 'invalid_token', /cnf\.jkt/);
  });

  it('refuses a DPoP request without a proof, or with two', async () => {
    const none = await fetch(`${api.url}/notes`, { headers: { authorization: `DPoP ${boundToken}` } });
    await expectRefusal(none, 'invalid_dpop_proof', /DPoP header/);
    expect(none.headers.get('dpop-nonce')).toBeTruthy();

    const nonce = await nonceOf();
    const proofs = await Promise.all([1, 2].map(() => key.proof('GET', `${api.url}/notes`, { accessToken: boundToken, nonce })));
    const headers = new Headers({ authorization: `DPoP ${boundToken}` });
    for (const proof of proofs) headers.append('dpop', proof);
    await expectRefusal(await fetch(`${api.url}/notes`, { headers }), 'invalid_dpop_proof', /exactly one/);
  });

  it('refuses a proof for another method or another URL (htm, htu), ignoring only its query', async () => {
    const nonce = await nonceOf();
    await expectRefusal(await dpopCall('/notes', { method: 'POST', htm: 'GET', nonce, body: { text: 'x' } }), 'invalid_dpop_proof', /method/);
    await expectRefusal(await dpopCall('/notes', { htu: `${api.url}/notes/export`, nonce }), 'invalid_dpop_proof', /htu/);
    await expectRefusal(await dpopCall('/notes', { htu: `http://localhost:${api.port}/notes`, nonce }), 'invalid_dpop_proof', /htu/);
    await expectRefusal(await dpopCall('/notes', { htu: 'not a url', nonce }), 'invalid_dpop_proof', /htu/);
    expect((await dpopCall('/notes', { htu: `${api.url}/notes?page=2#top`, nonce })).status).toBe(200);
  });

  it('refuses a replayed proof (same jti)', async () => {
    const nonce = await nonceOf();
    const proofJwt = await key.proof('GET', `${api.url}/notes`, { accessToken: boundToken, nonce });
    expect((await dpopCall('/notes', { proofJwt })).status).toBe(200);
    await expectRefusal(await dpopCall('/notes', { proofJwt }), 'invalid_dpop_proof', /already used/);
    // A proof refused for lacking the nonce does not spend its jti.
    const sameJti = { jti: 'reused-after-nonce-refusal' };
    await expectRefusal(await dpopCall('/notes', { proof: { claims: sameJti } }), 'use_dpop_nonce');
    expect((await dpopCall('/notes', { nonce, proof: { claims: sameJti } })).status).toBe(200);
    await expectRefusal(await dpopCall('/notes', { nonce, proof: { claims: sameJti } }), 'invalid_dpop_proof', /already used/);
  });

  it('refuses a proof whose iat is stale or ahead of the clock, or missing', async () => {
    const nonce = await nonceOf();
    const now = Math.floor(Date.now() / 1000);
    await expectRefusal(await dpopCall('/notes', { nonce, proof: { claims: { iat: now - 301 } } }), 'invalid_dpop_proof', /iat/);
    await expectRefusal(await dpopCall('/notes', { nonce, proof: { claims: { iat: now + 60 } } }), 'invalid_dpop_proof', /iat/);
    await expectRefusal(await dpopCall('/notes', { nonce, proof: { claims: { iat: undefined } } }), 'invalid_dpop_proof', /iat/);
    expect((await dpopCall('/notes', { nonce, proof: { claims: { iat: now - 200 } } })).status).toBe(200);
  });

  it('refuses a proof whose ath is not the hash of the token, or has none', async () => {
    const nonce = await nonceOf();
    const otherToken = await bound(key, 'notes:read');
    await expectRefusal(await dpopCall('/notes', { nonce, proof: { accessToken: otherToken } }), 'invalid_dpop_proof', /ath/);
    await expectRefusal(await dpopCall('/notes', { nonce, proof: { claims: { ath: undefined } } }), 'invalid_dpop_proof', /ath/);
  });

  it('refuses a proof signed by another key than the token is bound to', async () => {
    const nonce = await nonceOf();
    const stranger = await dpopKey();
    // The stranger's own, valid proof: its key is not the token's cnf.jkt.
    await expectRefusal(await dpopCall('/notes', { nonce, dpop: stranger }), 'invalid_dpop_proof', /another key/);
    // The token's key in the header, but the stranger's signature.
    await expectRefusal(await dpopCall('/notes', { nonce, proof: { signingKey: stranger.privateKey } }), 'invalid_dpop_proof', /signature/);
    // The stranger's token and proof work for the stranger.
    expect((await dpopCall('/notes', { nonce, dpop: stranger, token: await bound(stranger) })).status).toBe(200);
  });

  it('refuses a proof that is not typed dpop+jwt', async () => {
    const nonce = await nonceOf();
    await expectRefusal(await dpopCall('/notes', { nonce, proof: { typ: 'JWT' } }), 'invalid_dpop_proof', /typ/);
  });

  it('answers 403 insufficient_scope with a DPoP challenge to a DPoP request', async () => {
    const readOnly = await bound(key, 'notes:read');
    const nonce = await nonceOf();
    expect((await dpopCall('/notes', { token: readOnly, nonce })).status).toBe(200);
    const res = await dpopCall('/notes', { method: 'POST', token: readOnly, nonce, body: { text: 'nope' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(`DPoP error="insufficient_scope", scope="notes:write", ${ALGS}`);
  });

  it('refuses a publicOrigin that is not an origin (a path, query or fragment would be dropped from htu)', async () => {
    for (const publicOrigin of ['https://notes.example/api', 'https://notes.example/?x=1', 'https://notes.example/#top', 'not a url']) {
      const err = (await withApi(issuer, { publicOrigin }, async () => undefined).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toMatch(/`publicOrigin` must be an origin/);
      expect(err.message).toContain(JSON.stringify(publicOrigin));
    }
  });

  it('checks htu against the configured publicOrigin, not the Host header', async () => {
    await withApi(issuer, { publicOrigin: 'https://notes.example/' }, async (proxied) => {
      const nonce = await nonceOf(proxied);
      expect((await dpopCall('/notes', { target: proxied, nonce, htu: 'https://notes.example/notes' })).status).toBe(200);
      await expectRefusal(await dpopCall('/notes', { target: proxied, nonce }), 'invalid_dpop_proof', /https:\/\/notes\.example\/notes/);

      // A client lying about Host cannot make the API expect its URL.
      const proof = await key.proof('GET', 'http://evil.example/notes', { accessToken: boundToken, nonce });
      const { status, challenge, body } = await new Promise<{ status: number; challenge: string; body: string }>((resolve, reject) => {
        const req = httpRequest(`${proxied.url}/notes`, { headers: { host: 'evil.example', authorization: `DPoP ${boundToken}`, dpop: proof } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, challenge: String(res.headers['www-authenticate']), body: text }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(401);
      expect(challenge).toMatch(/^DPoP error="invalid_dpop_proof", error_description="[^"]*htu[^"]*"/);
      const refusal = JSON.parse(body) as { error: string; error_description: string };
      expect(refusal.error).toBe('invalid_dpop_proof');
      // Refused for its htu, and the URL expected is still the configured one, not the Host's.
      expect(refusal.error_description).toMatch(/htu/);
      expect(refusal.error_description).toContain('https://notes.example/notes');
    });
  });

  it('turns its nonce: the previous one is still accepted, the one before is not', async () => {
    // The API turns its nonce by Date.now(), checked on each request: moving the clock is enough, no sleep.
    vi.useFakeTimers({ toFake: ['Date'] });
    const later = (ms: number) => vi.setSystemTime(Date.now() + ms);
    try {
      await withApi(issuer, { dpopNonceLifetime: 1 }, async (short) => {
        const first = await nonceOf(short);
        later(1100);
        const afterOne = await dpopCall('/notes', { target: short, nonce: first });
        expect(afterOne.status).toBe(200);
        const second = afterOne.headers.get('dpop-nonce');
        expect(second).toBeTruthy();
        expect(second).not.toBe(first);
        later(1100);
        const afterTwo = await dpopCall('/notes', { target: short, nonce: first });
        await expectRefusal(afterTwo, 'use_dpop_nonce', /no longer valid/);
        const third = afterTwo.headers.get('dpop-nonce') as string;
        expect([first, second]).not.toContain(third);
        expect((await dpopCall('/notes', { target: short, nonce: second as string })).status).toBe(200);
        expect((await dpopCall('/notes', { target: short, nonce: third })).status).toBe(200);
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses new proofs with 503 rather than forget a used one when its replay cache is full', async () => {
    await withApi(issuer, { dpopReplayCacheSize: 1 }, async (small) => {
      const nonce = await nonceOf(small);
      expect((await dpopCall('/notes', { target: small, nonce })).status).toBe(200);
      const full = await dpopCall('/notes', { target: small, nonce });
      expect(full.status).toBe(503);
      expect(((await full.json()) as { error: string }).error).toBe('temporarily_unavailable');
    });
  });
});

describe('notes API: CORS for DPoP', () => {
  it('lets the app send the DPoP header and read DPoP-Nonce and WWW-Authenticate', async () => {
    const preflight = await fetch(`${api.url}/notes`, {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, dpop' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/\bDPoP\b/i);

    const res = await fetch(`${api.url}/notes`, { headers: { origin: APP_ORIGIN, authorization: `DPoP ${boundToken}`, dpop: await key.proof('GET', `${api.url}/notes`, { accessToken: boundToken }) } });
    expect(res.status).toBe(401);
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').split(/\s*,\s*/).map((h) => h.toLowerCase());
    expect(exposed).toEqual(expect.arrayContaining(['dpop-nonce', 'www-authenticate']));
  });
});
