import { auth0, cognito, entra } from '@pkce-auth/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { APP, body, Browser, ISSUER, mockAuthServer, signIn, testBff, useMsw, type MockAuthServer } from './fixtures.js';

useMsw();

let as: MockAuthServer;
beforeEach(async () => {
  as = await mockAuthServer({ endSession: false });
});

/** Signs in, logs out, and returns where the BFF sends the browser. */
async function logoutTarget(options: Parameters<typeof testBff>[0]): Promise<string> {
  const browser = new Browser(testBff(options).bff);
  await signIn(browser, as);
  const response = await browser.app('/bff/logout', { method: 'POST' });
  expect(response.status).toBe(200);
  return ((await body(response)) as { redirectTo: string }).redirectTo;
}

describe('POST /bff/logout with a provider preset’s logoutUrl', () => {
  it("auth0(): the tenant's /v2/logout with client_id and returnTo, though discovery lists no end-session endpoint", async () => {
    const { logoutUrl } = auth0({ domain: 'notes.eu.auth0.com' });
    const url = new URL(await logoutTarget({ logoutUrl }));
    expect(url.origin + url.pathname).toBe('https://notes.eu.auth0.com/v2/logout');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'notes-bff', returnTo: `${APP}/` });
    expect(as.requests.revocation).toHaveLength(1);
  });

  it("cognito(): the pool domain's /logout with client_id and logout_uri", async () => {
    const { logoutUrl } = cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_Abc', domain: 'notes.auth.eu-west-1.amazoncognito.com' });
    const url = new URL(await logoutTarget({ logoutUrl, postLogoutRedirectUri: `${APP}/bye` }));
    expect(url.origin + url.pathname).toBe('https://notes.auth.eu-west-1.amazoncognito.com/logout');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'notes-bff', logout_uri: `${APP}/bye` });
  });

  it('a logoutUrl that returns an insecure URL is reported to onError and the browser goes to the post-logout URI', async () => {
    const errors: unknown[] = [];
    const target = await logoutTarget({ logoutUrl: () => 'http://evil.example/logout', onError: (error) => errors.push(error) });
    expect(target).toBe(`${APP}/`);
    expect(errors).toEqual([expect.objectContaining({ code: 'invalid_config', message: expect.stringMatching(/`logoutUrl` returned/) })]);
  });
});

describe('createBff with a preset', () => {
  it("takes entra({ tenant: 'common' })'s issuer template (see entraMultiTenant.test.ts), and refuses one without {tenantid}", () => {
    expect(() => testBff({ ...entra({ tenant: 'common' }) })).not.toThrow();
    expect(() => testBff({ issuerTemplate: 'https://login.example.com/common/v2.0' })).toThrow(/`issuerTemplate` must be an https URL containing `\{tenantid\}`/);
  });
});

describe('createBff with endpoints (a preset’s, e.g. cognito())', () => {
  it('revokes at the given revocation endpoint where discovery lists none, and only then', async () => {
    as = await mockAuthServer({ revocation: false });
    const endpoints = { authorization: `${ISSUER}/authorize`, token: `${ISSUER}/token`, revocation: `${ISSUER}/revoke` };
    await logoutTarget({ endpoints });
    expect(as.requests.revocation).toHaveLength(1);
    await logoutTarget({});
    expect(as.requests.revocation).toHaveLength(1);
  });

  it('sends the login to the given authorization endpoint, not the discovered one', async () => {
    const { bff } = testBff({ endpoints: { authorization: 'https://login.example/oauth2/authorize', token: `${ISSUER}/token` } });
    const login = await new Browser(bff).fetch('/bff/login?returnTo=/');
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toMatch(/^https:\/\/login\.example\/oauth2\/authorize\?/);
  });

  it('refuses an endpoint it does not know or an insecure one, naming it', () => {
    expect(() => testBff({ endpoints: { authorization: `${ISSUER}/a`, token: `${ISSUER}/t`, jwks: 'x' } as never })).toThrow(/`endpoints.jwks` is not an endpoint/);
    expect(() => testBff({ endpoints: { authorization: 'http://login.example/a', token: `${ISSUER}/t` } })).toThrow(/`endpoints.authorization`/);
  });
});
