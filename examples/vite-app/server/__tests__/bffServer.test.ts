import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBff } from '@pkce-auth/bff';
import { CLIENTS, defaultClients } from '@pkce-auth/dev-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS, notesBffOptions, startBffAppServer, withBackchannelLogoutAt, type BffAppServer } from '../bffServer.mjs';

let root: string;
let app: BffAppServer;

const settings = {
  issuer: 'http://127.0.0.1:4000',
  clientId: 'notes-bff',
  clientSecret: 'notes-bff-secret',
  baseUrl: 'http://127.0.0.1:5173',
  secret: 'a-secret-of-at-least-thirty-two-bytes!',
  notesApiUrl: 'http://127.0.0.1:4001',
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bff-server-test-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(join(root, 'assets', 'app-123.js'), 'console.log(1)');
  app = await startBffAppServer({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('notesBffOptions', () => {
  it('maps /api/notes to <notes API>/notes with the session token, /api/tags to <tags API>/tags with its own resource', () => {
    const options = notesBffOptions({ ...settings, tagsApiUrl: 'http://127.0.0.1:4002/', tagsResource: 'http://localhost:4002' });
    expect(options.apis).toEqual([
      { path: API_PATHS.notes, target: 'http://127.0.0.1:4001/notes' },
      { path: API_PATHS.tags, target: 'http://127.0.0.1:4002/tags', resource: 'http://localhost:4002' },
    ]);
    expect(options.scope).toBe('openid profile email offline_access notes:read notes:write tags:read');
    expect(options).not.toHaveProperty('authorizeParams');
  });

  it('without a tags API: no /api/tags and no tags:read; a tags API needs its resource', () => {
    const options = notesBffOptions({ ...settings, tagsApiUrl: null });
    expect(options.apis.map((a) => a.path)).toEqual([API_PATHS.notes]);
    expect(options.scope).not.toContain('tags:read');
    expect(() => notesBffOptions({ ...settings, tagsApiUrl: 'http://127.0.0.1:4002' })).toThrow(/tagsResource/);
  });
});

describe('withBackchannelLogoutAt', () => {
  it('moves notes-bff’s back-channel logout URI to the given origin and leaves the other clients alone', () => {
    const clients = defaultClients({ appOrigins: ['http://localhost:6000'] });
    const moved = withBackchannelLogoutAt(clients, CLIENTS.bff.clientId, 'http://localhost:6000');
    expect(moved.find((c) => c.client_id === CLIENTS.bff.clientId)?.backchannel_logout_uri).toBe('http://localhost:6000/bff/backchannel-logout');
    expect(clients.find((c) => c.client_id === CLIENTS.bff.clientId)?.backchannel_logout_uri).toBe('http://localhost:5173/bff/backchannel-logout');
    expect(moved.filter((c) => c.client_id !== CLIENTS.bff.clientId)).toEqual(clients.filter((c) => c.client_id !== CLIENTS.bff.clientId));
  });
});

describe('startBffAppServer', () => {
  it('answers 503 until it is given the app and the BFF, then the BFF’s paths go to the BFF and the rest to the app', async () => {
    expect(app.origin).toBe(`http://127.0.0.1:${app.port}`);
    expect((await fetch(`${app.origin}/notes`)).status).toBe(503);
    app.serve({ root, bff: createBff(notesBffOptions({ ...settings, baseUrl: app.origin })) });

    // The BFF: its routes and the API paths (here refused for want of the CSRF header or a session, before any upstream call).
    const user = await fetch(`${app.origin}/bff/user`, { headers: { 'x-csrf': '1' } });
    expect(user.status).toBe(401);
    expect((await fetch(`${app.origin}/api/notes/5?x=1`)).status).toBe(403);
    expect((await fetch(`${app.origin}/api/notes`, { method: 'POST', headers: { 'x-csrf': '1' } })).status).toBe(401);
    // The app: files, the SPA shell for client-side routes (and for /api/notesx, which is no API path), 404 for a missing asset.
    const asset = await fetch(`${app.origin}/assets/app-123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    for (const path of ['/', '/notes', '/profile?x=1', '/api/notesx', '/..%2f..%2fetc%2fpasswd']) {
      const page = await fetch(`${app.origin}${path}`);
      expect([path, page.status, page.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
      expect(await page.text()).toContain('<div id="root">');
    }
    expect((await fetch(`${app.origin}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${app.origin}/%E0`)).status).toBe(400);
    const post = await fetch(`${app.origin}/notes`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});
