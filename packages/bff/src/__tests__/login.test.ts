import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deriveKeys, open } from '../crypto.js';
import type { PendingLogin } from '../pendingLogins.js';
import { APP, body, Browser, ISSUER, mockAuthServer, SECRET, server, testBff, useMsw } from './fixtures.js';

useMsw();

const loginKey = deriveKeys(SECRET).login;
const pendingOf = (browser: Browser): PendingLogin[] => JSON.parse(open(loginKey, browser.cookies.get('__Host-bff-login') ?? '', 'pending logins') ?? '[]') as PendingLogin[];

beforeEach(async () => {
  await mockAuthServer();
});

describe('GET /bff/login', () => {
  it('redirects (302) to the authorization endpoint with PKCE S256, state, nonce, scope and the callback URI', async () => {
    const { bff } = testBff({ authorizeParams: { prompt: 'login' } });
    const browser = new Browser(bff);
    const response = await browser.fetch('/bff/login?returnTo=%2Fnotes%3Fx%3D1');
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe(`${ISSUER}/authorize`);
    const q = location.searchParams;
    expect(Object.fromEntries(q)).toMatchObject({
      response_type: 'code',
      client_id: 'notes-bff',
      redirect_uri: `${APP}/bff/callback`,
      scope: 'openid profile offline_access notes:read',
      code_challenge_method: 'S256',
      prompt: 'login',
    });
    const [pending] = pendingOf(browser);
    expect(pending).toMatchObject({ state: q.get('state'), nonce: q.get('nonce'), returnTo: '/notes?x=1' });
    expect(q.get('code_challenge')).toBe(createHash('sha256').update(pending!.verifier).digest('base64url'));
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('names every API resource as a resource parameter (RFC 8707), once, beside one from authorizeParams', async () => {
    const { bff } = testBff({
      authorizeParams: { resource: 'http://localhost:4001' },
      apis: [
        { path: '/api/notes', target: 'https://api.example/notes', resource: 'http://localhost:4001' },
        { path: '/api/tags', target: 'https://api.example/tags', resource: 'http://localhost:4002' },
        { path: '/api/plain', target: 'https://api.example/plain' },
      ],
    });
    const response = await new Browser(bff).fetch('/bff/login');
    expect(new URL(response.headers.get('location') as string).searchParams.getAll('resource')).toEqual(['http://localhost:4001', 'http://localhost:4002']);
  });

  it('keeps the pending login in a sealed, HttpOnly, SameSite=Lax, 10-minute __Host- cookie', async () => {
    const { bff } = testBff();
    const response = await bff.fetch(new Request(`${APP}/bff/login`));
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-bff-login=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
    expect(cookie).not.toContain('verifier');
  });

  it('drops Secure and the __Host- prefix on a loopback http baseUrl', async () => {
    const { bff } = testBff({ baseUrl: 'http://localhost:5173' });
    const response = await bff.fetch(new Request('http://localhost:5173/bff/login'));
    expect(response.headers.getSetCookie()[0]).toMatch(/^bff-login=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/);
  });

  it('defaults returnTo to / and accepts an absolute URL of the app', async () => {
    const { bff } = testBff();
    const browser = new Browser(bff);
    await browser.fetch('/bff/login');
    await browser.fetch(`/bff/login?returnTo=${encodeURIComponent(`${APP}/a#b`)}`);
    expect(pendingOf(browser).map((p) => p.returnTo)).toEqual(['/', '/a#b']);
  });

  it('keeps at most three pending logins (tabs), the newest', async () => {
    const { bff } = testBff();
    const browser = new Browser(bff);
    for (const n of [1, 2, 3, 4]) await browser.fetch(`/bff/login?returnTo=/${n}`);
    expect(pendingOf(browser).map((p) => p.returnTo)).toEqual(['/2', '/3', '/4']);
  });

  it('forgets pending logins older than 10 minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { bff } = testBff();
      const browser = new Browser(bff);
      await browser.fetch('/bff/login?returnTo=/old');
      vi.setSystemTime(Date.now() + 10 * 60 * 1000);
      await browser.fetch('/bff/login?returnTo=/new');
      expect(pendingOf(browser).map((p) => p.returnTo)).toEqual(['/new']);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    'javascript:alert(1)',
    'http://app.example/',
    `/${'a'.repeat(600)}`,
  ])('refuses the hostile returnTo %j with 400 and no redirect', async (returnTo) => {
    const { bff } = testBff();
    const response = await bff.fetch(new Request(`${APP}/bff/login?returnTo=${encodeURIComponent(returnTo)}`));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await body(response)).toMatchObject({ error: 'invalid_return_to' });
  });

  it('refuses a returnTo given twice', async () => {
    const { bff } = testBff();
    const response = await bff.fetch(new Request(`${APP}/bff/login?returnTo=/a&returnTo=https://evil.example`));
    expect(response.status).toBe(400);
  });

  it('answers 405 to POST, with Allow', async () => {
    const { bff } = testBff();
    const response = await bff.fetch(new Request(`${APP}/bff/login`, { method: 'POST' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(await body(response)).toMatchObject({ error: 'method_not_allowed' });
  });

  it('answers 502 when discovery fails, with a message', async () => {
    server.use(http.get(`${ISSUER}/.well-known/openid-configuration`, () => new HttpResponse(null, { status: 503 })));
    const { bff } = testBff();
    const response = await bff.fetch(new Request(`${APP}/bff/login`));
    expect(response.status).toBe(502);
    expect(await body(response)).toMatchObject({ error: 'network_error', message: expect.stringContaining('503') });
  });
});

afterEach(() => vi.useRealTimers());
