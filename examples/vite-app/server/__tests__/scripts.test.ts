import { createServer } from 'node:net';
import { signIn, startDevServer } from '@pkce-auth/dev-server';
import type { DevServer } from '@pkce-auth/dev-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotesApi } from '../notesApi.mjs';
import type { NotesApi } from '../notesApi.mjs';
import { main as exportNotes } from '../../scripts/export-notes.mjs';
import { startServerSideLogin } from '../../scripts/server-side-login.mjs';

const AUDIENCE = 'http://localhost:4001';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

let webPort: number;
let auth: DevServer;
let api: NotesApi;

beforeAll(async () => {
  webPort = await freePort();
  auth = await startDevServer({ port: 0, resource: AUDIENCE, webRedirectUris: [`http://127.0.0.1:${webPort}/callback`] });
  api = await createNotesApi({ issuer: auth.issuer, audience: AUDIENCE, port: 0 });
});

afterAll(async () => {
  await api?.stop();
  await auth?.stop();
});

describe('scripts/export-notes.mjs', () => {
  it('exports every person\'s notes with a Client Credentials token', async () => {
    const { access_token } = await signIn({ issuer: auth.issuer });
    const post = await fetch(`${api.url}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'exported' }),
    });
    expect(post.status).toBe(201);
    const result = await exportNotes({ issuer: auth.issuer, apiUrl: api.url, audience: AUDIENCE });
    expect(result.total).toBeGreaterThanOrEqual(1);
    expect(result.users.find((u) => u.sub === 'demo-user')?.notes.map((n) => n.text)).toContain('exported');
  });

  it('asks for notes:export: a token with notes:read alone is refused with the API\'s challenge', async () => {
    await expect(exportNotes({ issuer: auth.issuer, apiUrl: api.url, audience: AUDIENCE, scope: 'notes:read' })).rejects.toThrow(
      /HTTP 403 \(Bearer error="insufficient_scope", scope="notes:export"\)/,
    );
  });

  it('fails with the API\'s answer when the secret is wrong', async () => {
    await expect(exportNotes({ issuer: auth.issuer, apiUrl: api.url, clientSecret: 'wrong' })).rejects.toThrow();
  });
});

describe('scripts/server-side-login.mjs', () => {
  it('signs in with the confidential client and shows the ID token claims', async () => {
    const app = await startServerSideLogin({ issuer: auth.issuer, port: webPort });
    try {
      const jar = new Map<string, string>();
      const store = (res: Response) => {
        for (const line of res.headers.getSetCookie()) {
          const pair = line.split(';')[0] ?? '';
          const eq = pair.indexOf('=');
          const value = pair.slice(eq + 1);
          if (value && !/max-age=0/i.test(line) && !/expires=Thu, 01 Jan 1970/i.test(line)) jar.set(pair.slice(0, eq), value);
          else jar.delete(pair.slice(0, eq));
        }
      };
      let url = new URL(`${app.url}/login`);
      let body: URLSearchParams | undefined;
      for (let hop = 0; hop < 20; hop++) {
        const res = await fetch(url, {
          method: body ? 'POST' : 'GET',
          redirect: 'manual',
          headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
          ...(body ? { body } : {}),
        });
        store(res);
        body = undefined;
        if (res.status >= 300 && res.status < 400) {
          url = new URL(res.headers.get('location') ?? '', url);
          continue;
        }
        const html = await res.text();
        if (url.href === `${app.url}/`) {
          expect(html).toContain('Demo User');
          expect(html).toContain('&#34;sub&#34;: &#34;demo-user&#34;');
          return;
        }
        const uid = /action="\/interaction\/([^/"]+)\//.exec(html)?.[1];
        expect(uid, html).toBeTruthy();
        if (html.includes('name="username"')) {
          url = new URL(`/interaction/${uid}/login`, url);
          body = new URLSearchParams({ username: 'demo', password: 'demo' });
        } else {
          url = new URL(`/interaction/${uid}/confirm`, url);
          body = new URLSearchParams();
        }
      }
      throw new Error('never got back to the app');
    } finally {
      await app.stop();
    }
  });
});
