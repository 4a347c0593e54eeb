import { CLIENTS, signIn, startDevServer } from '@pkce-auth/dev-server';
import type { DevServer } from '@pkce-auth/dev-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotesApi } from '../notesApi.mjs';
import type { NotesApi } from '../notesApi.mjs';
import { withApi } from './testIssuer.js';

const AUDIENCE = 'http://localhost:4001';
const APP_ORIGIN = 'http://localhost:5173';

let auth: DevServer;
let api: NotesApi;
let demoToken: string;
let aliceToken: string;

async function machineToken(scope: string): Promise<string> {
  const res = await fetch(`${auth.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${CLIENTS.machine.clientId}:${CLIENTS.machine.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: AUDIENCE }),
  });
  const json = (await res.json()) as { access_token: string; scope?: string };
  expect(json.scope).toBe(scope);
  return json.access_token;
}

function call(path: string, token?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${api.url}${path}`, { ...init, headers });
}

function postNote(token: string, text: unknown): Promise<Response> {
  return call('/notes', token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
}

beforeAll(async () => {
  auth = await startDevServer({ port: 0, resource: AUDIENCE });
  api = await createNotesApi({ issuer: auth.issuer, audience: AUDIENCE, port: 0, allowedOrigins: [APP_ORIGIN] });
  demoToken = (await signIn({ issuer: auth.issuer })).access_token;
  aliceToken = (await signIn({ issuer: auth.issuer, username: 'alice', password: 'alice' })).access_token;
});

afterAll(async () => {
  await api?.stop();
  await auth?.stop();
});

describe('notes API', () => {
  it('lists, adds and deletes notes with a valid token', async () => {
    const empty = await call('/notes', demoToken);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ notes: [] });

    const created = await postNote(demoToken, 'buy milk');
    expect(created.status).toBe(201);
    const { note } = (await created.json()) as { note: { id: string; text: string } };
    expect(note.text).toBe('buy milk');

    const listed = (await (await call('/notes', demoToken)).json()) as { notes: Array<{ id: string }> };
    expect(listed.notes.map((n) => n.id)).toEqual([note.id]);

    const deleted = await call(`/notes/${note.id}`, demoToken, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await call(`/notes/${note.id}`, demoToken, { method: 'DELETE' })).status).toBe(404);
  });

  it('answers 401 with bare Bearer and DPoP challenges when no token is sent', async () => {
    const res = await call('/notes');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer, DPoP algs="ES256 ES384 EdDSA Ed25519 PS256 RS256"');
  });

  it('answers 401 invalid_token for a tampered token', async () => {
    const [h, p, s] = demoToken.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    payload['sub'] = 'alice-user';
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    const res = await call('/notes', forged);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="[^"]+"$/);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_token');
  });

  it('answers 401 invalid_token for garbage and for a token for another audience', async () => {
    expect((await call('/notes', 'not-a-jwt')).headers.get('www-authenticate')).toContain('error="invalid_token"');
    const other = await createNotesApi({ issuer: auth.issuer, audience: 'http://localhost:9999', port: 0 });
    try {
      const res = await fetch(`${other.url}/notes`, { headers: { authorization: `Bearer ${demoToken}` } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('aud');
    } finally {
      await other.stop();
    }
  });

  it('answers 401 invalid_token for an expired token', async () => {
    // 3 s, not 1: `exp` is a whole second, so a 1 s token can expire before its first use.
    const shortLived = await startDevServer({ port: 0, accessTokenTtl: 3, resource: AUDIENCE });
    const shortApi = await createNotesApi({ issuer: shortLived.issuer, audience: AUDIENCE, port: 0 });
    try {
      const { access_token } = await signIn({ issuer: shortLived.issuer });
      expect((await fetch(`${shortApi.url}/notes`, { headers: { authorization: `Bearer ${access_token}` } })).status).toBe(200);
      const { exp } = JSON.parse(Buffer.from(access_token.split('.')[1]!, 'base64url').toString()) as { exp: number };
      await new Promise((r) => setTimeout(r, exp * 1000 + 100 - Date.now()));
      const res = await fetch(`${shortApi.url}/notes`, { headers: { authorization: `Bearer ${access_token}` } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="the access token expired"');
    } finally {
      await shortApi.stop();
      await shortLived.stop();
    }
  });

  it('answers 403 insufficient_scope on POST with a read-only token', async () => {
    const { access_token } = await signIn({ issuer: auth.issuer, scope: 'openid notes:read' });
    expect((await call('/notes', access_token)).status).toBe(200);
    const res = await postNote(access_token, 'nope');
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="notes:write"');
  });

  it('keeps notes per person', async () => {
    await postNote(demoToken, 'demo secret');
    await postNote(aliceToken, 'alice secret');
    const demo = (await (await call('/notes', demoToken)).json()) as { notes: Array<{ text: string }> };
    const alice = (await (await call('/notes', aliceToken)).json()) as { notes: Array<{ text: string; id: string }> };
    expect(demo.notes.map((n) => n.text)).toEqual(['demo secret']);
    expect(alice.notes.map((n) => n.text)).toEqual(['alice secret']);
    // Alice cannot delete demo's note by id.
    const demoNotes = (await (await call('/notes', demoToken)).json()) as { notes: Array<{ id: string }> };
    expect((await call(`/notes/${demoNotes.notes[0]?.id}`, aliceToken, { method: 'DELETE' })).status).toBe(404);
  });

  it('validates the note text', async () => {
    expect((await postNote(demoToken, '')).status).toBe(400);
    expect((await postNote(demoToken, 42)).status).toBe(400);
    expect((await postNote(demoToken, 'x'.repeat(1001))).status).toBe(400);
    expect((await postNote(demoToken, 'x'.repeat(1000))).status).toBe(201);
    const notJson = await call('/notes', demoToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('refuses a machine token at the person endpoints', async () => {
    const res = await call('/notes', await machineToken('notes:read'));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe('person_required');
  });

  it('answers 401 invalid_token at the person endpoints for a token without a string sub', async () => {
    await withApi(AUDIENCE, {}, async (other, issuer) => {
      const scope = 'notes:read notes:write';
      for (const claims of [{ client_id: 'notes-spa', scope }, { sub: 42, client_id: 'notes-spa', scope }, { sub: '', scope }]) {
        const token = await issuer.sign(claims as Record<string, unknown>);
        for (const init of [{}, { method: 'DELETE' }]) {
          const res = await fetch(`${other.url}/notes${init.method ? '/some-id' : ''}`, { ...init, headers: { authorization: `Bearer ${token}` } });
          expect(res.status).toBe(401);
          expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="[^"]*\bsub\b[^"]*"$/);
        }
      }
      expect((await fetch(`${other.url}/notes`, { headers: { authorization: `Bearer ${await issuer.sign({ sub: 'someone', scope })}` } })).status).toBe(200);
    });
  });
});

describe('notes API: GET /notes/export', () => {
  const exportChallenge = 'Bearer error="insufficient_scope", scope="notes:export"';

  it('exports every person\'s notes to the machine client with notes:export', async () => {
    await postNote(demoToken, 'for the export');
    await postNote(aliceToken, 'for the export too');
    const res = await call('/notes/export', await machineToken('notes:export'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; users: Array<{ sub: string; count: number }> };
    expect(body.users.map((u) => u.sub).sort()).toEqual(['alice-user', 'demo-user']);
    expect(body.total).toBe(body.users.reduce((n, u) => n + u.count, 0));
  });

  it('refuses the SPA\'s user token (notes:read, notes:write) with insufficient_scope', async () => {
    const res = await call('/notes/export', demoToken);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(exportChallenge);
  });

  it('refuses a machine token without notes:export', async () => {
    const res = await call('/notes/export', await machineToken('notes:read notes:write'));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(exportChallenge);
    expect(((await res.json()) as { error: string }).error).toBe('insufficient_scope');
  });

  it('refuses a client that is not in exportClients, even with notes:export', async () => {
    const strict = await createNotesApi({ issuer: auth.issuer, audience: AUDIENCE, port: 0, exportClients: ['nightly-backup'] });
    try {
      const res = await fetch(`${strict.url}/notes/export`, { headers: { authorization: `Bearer ${await machineToken('notes:export')}` } });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: string; error_description: string };
      expect(body.error).toBe('client_not_allowed');
      expect(body.error_description).toContain('notes-machine');
    } finally {
      await strict.stop();
    }
  });

  it('refuses a token of another client with notes:export, and needs no sub', async () => {
    await withApi(AUDIENCE, {}, async (other, issuer) => {
      const exportWith = async (claims: Record<string, unknown>) =>
        fetch(`${other.url}/notes/export`, { headers: { authorization: `Bearer ${await issuer.sign(claims)}` } });
      expect((await exportWith({ sub: 'notes-spa', client_id: 'notes-spa', scope: 'notes:export' })).status).toBe(403);
      expect((await exportWith({ sub: 'demo-user', scope: 'notes:export' })).status).toBe(403);
      expect((await exportWith({ client_id: 'notes-machine', scope: 'notes:export' })).status).toBe(200);
    });
  });
});

describe('notes API: CORS', () => {
  it('answers CORS preflights for allowed origins only', async () => {
    const ok = await fetch(`${api.url}/notes`, {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Content-Type/i);
    const denied = await fetch(`${api.url}/notes`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' } });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    const get = await call('/notes', demoToken, { headers: { origin: APP_ORIGIN } });
    expect(get.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(get.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
  });
});
