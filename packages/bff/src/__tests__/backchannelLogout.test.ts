import { generateKeyPair, SignJWT } from 'jose';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { body, Browser, ISSUER, mockAuthServer, server, signIn, testBff, useMsw, type MockAuthServer } from './fixtures.js';

useMsw();

let as: MockAuthServer;
beforeEach(async () => {
  as = await mockAuthServer();
});

const form = (token: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ logout_token: token }).toString(),
});

/** Two browsers signed in for sub user-1 (sids sid-1 and sid-2) and one for user-2. */
async function sessions() {
  const { bff, store } = testBff();
  const a = new Browser(bff);
  const b = new Browser(bff);
  const c = new Browser(bff);
  await signIn(a, as, '/', { sub: 'user-1', sid: 'sid-1' });
  await signIn(b, as, '/', { sub: 'user-1', sid: 'sid-2' });
  await signIn(c, as, '/', { sub: 'user-2', sid: 'sid-3' });
  const status = async () => Promise.all([a, b, c].map(async (x) => (await x.app('/bff/user')).status));
  return { bff, store, a, b, c, status, post: (init: RequestInit) => a.fetch('/bff/backchannel-logout', init) };
}

describe('POST /bff/backchannel-logout', () => {
  it('ends the sessions of the token’s sid (200), without a CSRF header or cookie', async () => {
    const { bff, status } = await sessions();
    const response = await new Browser(bff).fetch('/bff/backchannel-logout', form(await as.logoutToken({ sid: 'sid-1', sub: 'user-1' })));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await status()).toEqual([401, 200, 200]);
  });

  it('ends every session of the sub when the token has no sid', async () => {
    const { post, status } = await sessions();
    expect((await post(form(await as.logoutToken({ sid: undefined, sub: 'user-1' })))).status).toBe(200);
    expect(await status()).toEqual([401, 401, 200]);
  });

  it('refuses a replayed jti with 400', async () => {
    const { post, status } = await sessions();
    const token = await as.logoutToken({ sid: 'sid-3' });
    expect((await post(form(token))).status).toBe(200);
    const again = await post(form(token));
    expect(again.status).toBe(400);
    expect(await body(again)).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('jti') });
    expect(await status()).toEqual([200, 200, 401]);
  });

  it.each([
    ['another audience', { aud: 'someone-else' }, {}],
    ['another issuer', { iss: 'https://evil.example' }, {}],
    ['no events', { events: undefined }, {}],
    ['the wrong event', { events: { 'http://schemas.openid.net/event/other': {} } }, {}],
    ['a nonce (an ID token)', { nonce: 'n' }, {}],
    ['neither sid nor sub', { sid: undefined, sub: undefined }, {}],
    ['no jti', { jti: undefined }, {}],
    ['no iat', { iat: undefined }, {}],
    ['an old iat', { iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) + 60 }, {}],
    ['an expired exp', { exp: Math.floor(Date.now() / 1000) - 120 }, {}],
    ['typ JWT', {}, { typ: 'JWT' }],
  ])('refuses a token with %s (400), ending nothing', async (_what, claims, header) => {
    const { post, status } = await sessions();
    const response = await post(form(await as.logoutToken(claims, header)));
    expect(response.status).toBe(400);
    expect(await body(response)).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('logout token') });
    expect(await status()).toEqual([200, 200, 200]);
  });

  it('refuses a token signed by another key', async () => {
    const { post, status } = await sessions();
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ iss: ISSUER, aud: 'notes-bff', iat: now, jti: 'j', sid: 'sid-1', events: { 'http://schemas.openid.net/event/backchannel-logout': {} } })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'logout+jwt' })
      .sign(privateKey);
    expect((await post(form(forged))).status).toBe(400);
    expect(await status()).toEqual([200, 200, 200]);
  });

  it('refuses an unsigned (alg none) or garbage token', async () => {
    const { post } = await sessions();
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: 'notes-bff', sid: 'sid-1' })).toString('base64url')}.`;
    for (const token of [none, 'not.a.jwt', 'x']) expect((await post(form(token))).status).toBe(400);
  });

  it('refuses a body that is not a form, has no or two logout_tokens: 400', async () => {
    const { post } = await sessions();
    const token = await as.logoutToken();
    const json = await post({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ logout_token: token }) });
    expect(json.status).toBe(400);
    const none = await post({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1' });
    expect(none.status).toBe(400);
    const two = await post({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `logout_token=${token}&logout_token=${token}` });
    expect(two.status).toBe(400);
  });

  it('refuses an oversized body with 413, by Content-Length or as it streams', async () => {
    const { post } = await sessions();
    const big = `logout_token=${'a'.repeat(20_000)}`;
    const declared = await post({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big });
    expect(declared.status).toBe(413);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('a'.repeat(1000)));
        controller.close();
      },
    });
    const streamed = await post({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: stream, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await body(streamed)).toMatchObject({ error: 'payload_too_large' });
  });

  it('answers 405 to GET', async () => {
    const { a } = await sessions();
    expect((await a.fetch('/bff/backchannel-logout')).status).toBe(405);
  });
});

describe('POST /bff/backchannel-logout with an issuer template (entra({ tenant: "common" }))', () => {
  const template = `${ISSUER}/{tenantid}/v2.0`;
  const tenant = (tid: string) => template.replace('{tenantid}', tid);

  it("accepts a token whose iss is its own tid's tenant, and refuses one of another tenant or without tid", async () => {
    // Discovery at the common endpoint names the template, as Entra's does.
    const meta = (await (await fetch(`${ISSUER}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    server.use(http.get(`${ISSUER}/.well-known/openid-configuration`, () => HttpResponse.json({ ...meta, issuer: template })));
    const { bff } = testBff({ issuerTemplate: template });
    const post = async (claims: Record<string, unknown>) => new Browser(bff).fetch('/bff/backchannel-logout', form(await as.logoutToken(claims)));
    expect((await post({ iss: tenant('t-1'), tid: 't-1' })).status).toBe(200);
    const otherTenant = await post({ iss: tenant('t-1'), tid: 't-2' });
    expect(otherTenant.status).toBe(400);
    expect(await body(otherTenant)).toMatchObject({ message: expect.stringContaining(`not ${tenant('t-2')}`) });
    const noTid = await post({ iss: template });
    expect(noTid.status).toBe(400);
    expect(await body(noTid)).toMatchObject({ message: expect.stringContaining('its tid must name the tenant') });
    // A tid that is not a tenant id (it would put a path into the issuer) is no tenant either.
    const pathTid = await post({ iss: tenant('evil/x'), tid: 'evil/x' });
    expect(pathTid.status).toBe(400);
    expect(await body(pathTid)).toMatchObject({ message: expect.stringContaining('its tid must name the tenant') });
  });
});
