import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultClients, describeClients, startDevServer } from '../index.js';
import type { DevServer } from '../index.js';
import { signIn } from '../signIn.js';
import { authorizationUrl } from './flow.js';

const OWN_APP = 'http://localhost:5190';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0, appOrigins: [`${OWN_APP}/`], publicClientIds: ['my-app'] });
});

afterAll(async () => {
  await server.stop();
});

describe("a newcomer's own app (appOrigins, publicClientIds)", () => {
  it("registers the app's /callback and / for notes-spa, next to the example's own", async () => {
    const spa = server.clients.find((c) => c.client_id === 'notes-spa');
    expect(spa?.redirect_uris).toEqual(['http://localhost:5173/callback', 'http://127.0.0.1:5173/callback', `${OWN_APP}/callback`]);
    expect(spa?.post_logout_redirect_uris).toEqual(['http://localhost:5173/', 'http://127.0.0.1:5173/', `${OWN_APP}/`]);
    await expect(signIn({ issuer: server.issuer, redirectUri: `${OWN_APP}/callback` })).resolves.toHaveProperty('access_token');
    await expect(signIn({ issuer: server.issuer })).resolves.toHaveProperty('access_token');
  });

  it('signs in with a public client of its own id on the same redirect URIs', async () => {
    const tokens = await signIn({ issuer: server.issuer, clientId: 'my-app', redirectUri: `${OWN_APP}/callback` });
    const idToken = JSON.parse(Buffer.from(tokens.id_token?.split('.')[1] ?? '', 'base64url').toString()) as { aud: string };
    expect(idToken.aud).toBe('my-app');
    expect(tokens.refresh_token).toBeDefined();
  });

  it("allows the app's origin at the token endpoint (CORS)", async () => {
    const res = await fetch(`${server.issuer}/token`, {
      method: 'OPTIONS',
      headers: { origin: OWN_APP, 'access-control-request-method': 'POST' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBe(OWN_APP);
  });

  it('refuses an origin that is not http(s), a taken or malformed client id, and publicClientIds with clients', async () => {
    await expect(startDevServer({ port: 0, appOrigins: ['localhost:5190'] })).rejects.toThrow(/app origin "localhost:5190" is not an http\(s\) origin/);
    expect(() => defaultClients({ publicClientIds: ['notes-spa'] })).toThrow(/"notes-spa" is already registered/);
    expect(() => defaultClients({ publicClientIds: ['a', 'a'] })).toThrow(/"a" is already registered/);
    expect(() => defaultClients({ publicClientIds: ['my app'] })).toThrow(/must be letters, digits/);
    await expect(startDevServer({ port: 0, clients: [], publicClientIds: ['x'] })).rejects.toThrow(/with `clients`, list those clients there/);
  });
});

describe('the redirect_uri mismatch page (invalid_redirect_uri)', () => {
  it('lists the redirect URIs registered for that client and says how to add one', async () => {
    const res = await fetch(authorizationUrl(server.issuer, { client_id: 'my-app', redirect_uri: 'http://localhost:5999/callback' }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<strong>invalid_redirect_uri</strong>');
    const listed = /<ul id="registered-redirect-uris">(.*?)<\/ul>/s.exec(html)?.[1] ?? '';
    expect([...listed.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1])).toEqual(spaRedirectUris());
    expect(html).toMatch(/id="how-to-add">[^<]*--app-origin &lt;origin&gt;[^<]*APP_ORIGINS=/);
  });

  it('lists nothing for an unknown client', async () => {
    const html = await (await fetch(authorizationUrl(server.issuer, { client_id: 'nobody', redirect_uri: 'http://localhost:5999/callback' }))).text();
    expect(html).toContain('invalid_client');
    expect(html).not.toContain('registered-redirect-uris');
  });
});

describe('describeClients()', () => {
  it('names each client, its kind and its redirect URIs', () => {
    const lines = describeClients(server.clients);
    expect(lines).toContain('my-app (public, PKCE)');
    expect(lines).toContain('notes-spa-par (public, PKCE, PAR required)');
    expect(lines).toContain('notes-machine (confidential, secret notes-machine-secret; client_credentials)');
    expect(lines).toContain(`  redirect URIs: ${spaRedirectUris().join(', ')}`);
  });
});

function spaRedirectUris(): string[] {
  return ['http://localhost:5173/callback', 'http://127.0.0.1:5173/callback', `${OWN_APP}/callback`];
}
