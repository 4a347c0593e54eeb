import { clearDiscoveryCache } from '../protocol/discovery.js';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { CLIENT_ID, fakeServer, ISSUER, makeClient, signIn } from './fixtures.js';
import { server } from './msw.js';

const API = 'https://api.example.com/notes';

async function signedIn(clientOpts: Parameters<typeof makeClient>[0] = {}, serverOpts: Parameters<typeof fakeServer>[0] = {}) {
  const fake = fakeServer(serverOpts);
  const made = makeClient({ autoRefresh: false, apis: [{ url: 'https://api.example.com' }], ...clientOpts });
  await signIn(made.client, made.navigations, fake);
  return { fake, ...made };
}

describe('logout()', () => {
  it('clears the session, revokes the refresh token, then goes to end-session with id_token_hint', async () => {
    const { fake, client, navigations } = await signedIn({ postLogoutRedirectUri: 'http://localhost:3000/' });
    const idToken = client.getState().tokens?.idToken;
    await client.logout();
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', user: null, tokens: null });
    expect(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:session`)).toBeNull();
    expect(fake.calls.revoke).toHaveLength(1);
    expect(Object.fromEntries(fake.calls.revoke[0]?.body ?? [])).toEqual({ token: 'rt-1', token_type_hint: 'refresh_token', client_id: CLIENT_ID });
    const end = new URL(navigations.at(-1) as string);
    expect(`${end.origin}${end.pathname}`).toBe(`${ISSUER}/logout`);
    expect(Object.fromEntries(end.searchParams)).toEqual({ id_token_hint: idToken, client_id: CLIENT_ID, post_logout_redirect_uri: 'http://localhost:3000/' });
  });

  it('sends post_logout_redirect_uri only when configured, and returnTo overrides it per call', async () => {
    const first = await signedIn();
    await first.client.logout();
    expect(new URL(first.navigations.at(-1) as string).searchParams.has('post_logout_redirect_uri')).toBe(false);
    const second = await signedIn({ postLogoutRedirectUri: 'http://localhost:3000/' });
    await second.client.logout({ returnTo: '/bye' });
    expect(new URL(second.navigations.at(-1) as string).searchParams.get('post_logout_redirect_uri')).toBe('http://localhost:3000/bye');
  });

  it('localOnly makes no request and does not navigate', async () => {
    const { fake, client, navigations } = await signedIn();
    const before = navigations.length;
    await client.logout({ localOnly: true });
    expect(fake.calls.revoke).toHaveLength(0);
    expect(navigations).toHaveLength(before);
    expect(client.getState().status).toBe('unauthenticated');
  });

  it('after a reload with the server unreachable, logout still signs out locally and says so in error', async () => {
    const { client: first } = await signedIn();
    first.destroy();
    clearDiscoveryCache();
    server.use(http.get(`${ISSUER}/.well-known/openid-configuration`, () => HttpResponse.error()));
    const { client, navigations } = makeClient();
    await expect(client.logout()).resolves.toBeUndefined();
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', error: { code: 'network_error' } });
    expect(client.getState().error?.message).toMatch(/^signed out, but the server did not revoke/);
    expect(navigations).toEqual([]);
    expect(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:session`)).toBeNull();
  });

  it('a failed revocation still signs out locally and says so in error', async () => {
    const { client, navigations } = await signedIn();
    server.use(http.post(`${ISSUER}/revoke`, () => HttpResponse.error()));
    const before = navigations.length;
    await client.logout();
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', error: { code: 'network_error' } });
    expect(client.getState().error?.message).toMatch(/did not revoke/);
    expect(navigations).toHaveLength(before + 1);
  });
});

describe('fetch()', () => {
  it('adds Authorization: Bearer', async () => {
    const { client } = await signedIn();
    const seen: (string | null)[] = [];
    server.use(
      http.get(API, ({ request }) => {
        seen.push(request.headers.get('authorization'));
        return HttpResponse.json({ notes: [] });
      }),
    );
    const response = await client.fetch(API);
    expect(response.status).toBe(200);
    expect(seen).toEqual(['Bearer at-1']);
  });

  it('on 401 refreshes once and replays the request body with the new token', async () => {
    const { fake, client } = await signedIn();
    const seen: { auth: string | null; body: string }[] = [];
    server.use(
      http.post(API, async ({ request }) => {
        seen.push({ auth: request.headers.get('authorization'), body: await request.text() });
        return request.headers.get('authorization') === 'Bearer at-1'
          ? new HttpResponse(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
          : HttpResponse.json({ ok: true }, { status: 201 });
      }),
    );
    const response = await client.fetch(API, { method: 'POST', body: JSON.stringify({ text: 'hi' }), headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(201);
    expect(seen).toEqual([
      { auth: 'Bearer at-1', body: '{"text":"hi"}' },
      { auth: 'Bearer at-2', body: '{"text":"hi"}' },
    ]);
    expect(fake.calls.token.filter((c) => c.body.get('grant_type') === 'refresh_token')).toHaveLength(1);
  });

  it('retries at most once: a second 401 is returned to the caller', async () => {
    const { client } = await signedIn();
    let calls = 0;
    server.use(
      http.get(API, () => {
        calls++;
        return new HttpResponse(null, { status: 401 });
      }),
    );
    expect((await client.fetch(API)).status).toBe(401);
    expect(calls).toBe(2);
  });

  it('rejects login_required without a session, before any request', async () => {
    const { client } = makeClient({ apis: [{ url: 'https://api.example.com' }] });
    await expect(client.fetch(API)).rejects.toMatchObject({ code: 'login_required' });
  });
});

describe('logout() racing a login (a guard reacting to the ended session)', () => {
  it('a login started while the logout is on its way to end-session does not navigate or leave a pending login', async () => {
    const { client, navigations } = await signedIn();
    let release!: () => void;
    server.use(http.post(`${ISSUER}/revoke`, () => new Promise<Response>((resolve) => (release = () => resolve(new HttpResponse(null, { status: 200 }))))));
    const before = navigations.length;
    const logout = client.logout();
    // The session is already gone: a <RequireAuth> would now call login().
    expect(client.getState().status).toBe('unauthenticated');
    const racing = client.login({ returnTo: '/notes' });
    await new Promise((r) => setTimeout(r, 20));
    release();
    await Promise.all([logout, racing]);
    expect(navigations.slice(before).map((u) => new URL(u).pathname)).toEqual(['/logout']);
    expect(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:pending`)).toBeNull();
  });

  it('after a local-only logout, login() works as usual', async () => {
    const { client, navigations } = await signedIn();
    await client.logout({ localOnly: true });
    await client.login({ returnTo: '/' });
    expect(new URL(navigations.at(-1) as string).pathname).toBe('/authorize');
  });
});
