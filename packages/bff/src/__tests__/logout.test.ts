import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { APP, body, Browser, ISSUER, isBffClient, mockAuthServer, server, signIn, testBff, useMsw, type MockAuthServer } from './fixtures.js';

useMsw();

let as: MockAuthServer;
beforeEach(async () => {
  as = await mockAuthServer();
});

describe('POST /bff/logout', () => {
  it('revokes the refresh token, deletes the session, clears the cookie and answers the end-session URL', async () => {
    const { bff } = testBff();
    const browser = new Browser(bff);
    await signIn(browser, as);
    const response = await browser.app('/bff/logout', { method: 'POST' });
    expect(response.status).toBe(200);
    const [revocation] = as.requests.revocation;
    expect(revocation?.get('token')).toMatch(/^rt-1-/);
    expect(revocation?.get('token_type_hint')).toBe('refresh_token');
    expect(as.refreshTokens.get(revocation?.get('token') as string)).toBe('revoked');
    expect(response.headers.getSetCookie()[0]).toMatch(/^__Host-bff-session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0; Secure$/);
    const { redirectTo } = (await body(response)) as { redirectTo: string };
    const url = new URL(redirectTo);
    expect(url.origin + url.pathname).toBe(`${ISSUER}/logout`);
    expect(url.searchParams.get('client_id')).toBe('notes-bff');
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(`${APP}/`);
    expect(url.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    expect(redirectTo).not.toMatch(/at-1|rt-1/);
    expect((await browser.app('/bff/user')).status).toBe(401);
  });

  it('uses postLogoutRedirectUri, and answers it alone when the server has no end-session endpoint', async () => {
    as = await mockAuthServer({ endSession: false });
    const { bff } = testBff({ postLogoutRedirectUri: `${APP}/goodbye` });
    const browser = new Browser(bff);
    await signIn(browser, as);
    const response = await browser.app('/bff/logout', { method: 'POST' });
    expect(await body(response)).toEqual({ redirectTo: `${APP}/goodbye` });
  });

  it('needs the CSRF header: 403, the session kept, nothing revoked', async () => {
    const { bff } = testBff();
    const browser = new Browser(bff);
    await signIn(browser, as);
    const response = await browser.fetch('/bff/logout', { method: 'POST' });
    expect(response.status).toBe(403);
    expect(as.requests.revocation).toHaveLength(0);
    expect((await browser.app('/bff/user')).status).toBe(200);
  });

  it('answers 405 to GET (a link or image cannot log anyone out)', async () => {
    const { bff } = testBff();
    const browser = new Browser(bff);
    await signIn(browser, as);
    expect((await browser.app('/bff/logout')).status).toBe(405);
    expect((await browser.app('/bff/user')).status).toBe(200);
  });

  it('without a session still answers 200 with the post-logout URI, revoking nothing', async () => {
    const { bff } = testBff();
    const response = await new Browser(bff).app('/bff/logout', { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await body(response)).toEqual({ redirectTo: `${APP}/` });
    expect(as.requests.revocation).toHaveLength(0);
  });

  it('ends the session even when revocation fails, and reports the failure to onError', async () => {
    server.use(http.post(`${ISSUER}/revoke`, () => HttpResponse.json({ error: 'server_error' }, { status: 500 })));
    const reported: unknown[] = [];
    const { bff } = testBff({ onError: (error) => reported.push(error) });
    const browser = new Browser(bff);
    await signIn(browser, as);
    const response = await browser.app('/bff/logout', { method: 'POST' });
    expect(response.status).toBe(200);
    expect(reported).toHaveLength(1);
    expect((await browser.app('/bff/user')).status).toBe(401);
  });

  it('authenticates the revocation with client_secret_basic', async () => {
    const auth: (string | null)[] = [];
    server.use(
      http.post(`${ISSUER}/revoke`, ({ request }) => {
        auth.push(request.headers.get('authorization'));
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const { bff } = testBff();
    const browser = new Browser(bff);
    await signIn(browser, as);
    await browser.app('/bff/logout', { method: 'POST' });
    expect(auth).toHaveLength(1);
    expect(isBffClient(auth[0] as string)).toBe(true);
  });
});
