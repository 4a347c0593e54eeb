import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../index.js';
import type { DevServer } from '../index.js';
import { authorize } from '../signIn.js';
import { authorizationUrl } from './flow.js';

const OWN_APP = 'http://localhost:5190';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0, appOrigins: [OWN_APP] });
});

afterAll(async () => {
  await server.stop();
});

const backLink = (html: string) => /<a id="back-to-app" href="([^"]*)">Back to the app<\/a>/.exec(html)?.[1];

describe('favicon', () => {
  it('is served at /favicon.ico and linked from the pages', async () => {
    for (const path of ['/favicon.ico', '/favicon.svg']) {
      const res = await fetch(`${server.issuer}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(await res.text()).toMatch(/^<svg /);
    }
    const { pages } = await authorize({ issuer: server.issuer });
    expect(pages[0]).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
  });
});

describe('"Back to the app"', () => {
  it("leads from the error page to the app of the request's registered (post-logout) redirect URI", async () => {
    const endSession = (params: Record<string, string>) =>
      fetch(`${server.issuer}/session/end?${new URLSearchParams({ client_id: 'notes-spa', id_token_hint: 'not-a-jwt', ...params })}`, { headers: { accept: 'text/html' } }).then((r) => r.text());
    const page = await endSession({ post_logout_redirect_uri: `${OWN_APP}/` });
    expect(page).toContain('<strong>invalid_request</strong>');
    expect(backLink(page)).toBe(`${OWN_APP}/`);
    expect(backLink(await endSession({ post_logout_redirect_uri: 'https://evil.example/' }))).toBe('http://localhost:5173/');
  });

  it('never leads to a redirect URI that is not registered: the client\'s first origin instead', async () => {
    const html = await (await fetch(authorizationUrl(server.issuer, { redirect_uri: 'https://evil.example/callback' }))).text();
    expect(html).toContain('invalid_redirect_uri');
    expect(backLink(html)).toBe('http://localhost:5173/');
  });

  it('is absent when the client is unknown', async () => {
    const html = await (await fetch(authorizationUrl(server.issuer, { client_id: 'nobody' }))).text();
    expect(html).toContain('invalid_client');
    expect(backLink(html)).toBeUndefined();
  });

  it('leads from the expired page to the registered app the sign-in came from', async () => {
    const expired = (query: string) => fetch(`${server.issuer}/interaction/gone${query}`).then((r) => r.text());
    const registered = new URLSearchParams({ client_id: 'notes-spa', redirect_uri: `${OWN_APP}/callback` });
    expect(backLink(await expired(`?${registered}`))).toBe(`${OWN_APP}/`);
    const hostile = new URLSearchParams({ client_id: 'notes-spa', redirect_uri: 'https://evil.example/callback' });
    expect(backLink(await expired(`?${hostile}`))).toBe('http://localhost:5173/');
    expect(backLink(await expired('?client_id=nobody'))).toBeUndefined();
    expect(backLink(await expired(''))).toBeUndefined();
  });

  it('is reachable from a real interaction: its URL carries the client and redirect URI', async () => {
    const res = await fetch(authorizationUrl(server.issuer, { redirect_uri: `${OWN_APP}/callback` }), { redirect: 'manual' });
    const location = new URL(res.headers.get('location') ?? '', server.issuer);
    expect(location.pathname).toMatch(/^\/interaction\/[^/]+$/);
    expect(Object.fromEntries(location.searchParams)).toEqual({ client_id: 'notes-spa', redirect_uri: `${OWN_APP}/callback` });
    // Without the interaction cookie the sign-in is unknown here: the expired page, with the way back.
    expect(backLink(await (await fetch(location)).text())).toBe(`${OWN_APP}/`);
  });
});

describe('the consent page', () => {
  it('lists each scope once, an API scope with its resource', async () => {
    const scope = 'openid profile email offline_access notes:read notes:write tags:read';
    for (const resource of [undefined, ['http://localhost:4001', 'http://localhost:4002']]) {
      const { pages } = await authorize({ issuer: server.issuer, scope, ...(resource ? { resource } : {}) });
      const consent = pages.find((p) => p.includes('id="scopes"')) ?? '';
      const items = [...consent.matchAll(/<li>([^<]+?)\s*(?:<small>\(([^)]+)\)<\/small>)?<\/li>/g)].map((m) => m[1]);
      expect(items).toEqual(['openid', 'profile', 'email', 'notes:read', 'notes:write', 'tags:read']);
      expect(consent).toContain('notes:read <small>(http://localhost:4001)</small>');
      expect(consent).toContain('tags:read <small>(http://localhost:4002)</small>');
    }
  });
});
