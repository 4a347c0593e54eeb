import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { auth0, cognito, entra, google, keycloak, okta } from '../index.js';
import type { AuthClient } from '../types.js';
import { APP, CLIENT_ID, idToken, makeClient, REDIRECT_URI, startLogin } from './fixtures.js';
import { server } from './msw.js';

/** A token endpoint at `url` answering every code with tokens whose ID token has `claims`. */
function tokenEndpoint(url: string, claims: () => Record<string, unknown>) {
  const calls: URLSearchParams[] = [];
  server.use(
    http.post(url, async ({ request }) => {
      calls.push(new URLSearchParams(await request.text()));
      return HttpResponse.json({ access_token: 'at-1', token_type: 'Bearer', expires_in: 300, refresh_token: 'rt-1', id_token: idToken(claims()) });
    }),
  );
  return calls;
}

/** login() then the callback, without RFC 9207 `iss` (Cognito, Auth0, Entra do not send it). */
async function signInWithout9207(client: AuthClient, navigations: string[], nonce: { value?: string | null }): Promise<URLSearchParams> {
  const params = await startLogin(client, navigations, '/notes');
  nonce.value = params.get('nonce');
  await client.handleCallback(`${REDIRECT_URI}?code=c1&state=${params.get('state')}`);
  return params;
}

describe('the presets build the issuers the contract names', () => {
  it('for each provider', () => {
    expect(cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_Abc', domain: 'notes.auth.eu-west-1.amazoncognito.com' }).issuer).toBe(
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc',
    );
    expect(auth0({ domain: 'notes.eu.auth0.com' }).issuer).toBe('https://notes.eu.auth0.com/');
    expect(keycloak({ url: 'https://sso.example.com/', realm: 'notes' }).issuer).toBe('https://sso.example.com/realms/notes');
    expect(okta({ domain: 'notes.okta.com' }).issuer).toBe('https://notes.okta.com/oauth2/default');
    expect(okta({ domain: 'notes.okta.com', authorizationServerId: 'aus1' }).issuer).toBe('https://notes.okta.com/oauth2/aus1');
    expect(entra({ tenant: 'contoso.onmicrosoft.com' })).toEqual({ issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0' });
    expect(entra({ tenant: 'common' }).issuerTemplate).toBe('https://login.microsoftonline.com/{tenantid}/v2.0');
    expect(google().issuer).toBe('https://accounts.google.com');
  });

  it('refuse parameters that would change the URL they build', () => {
    expect(() => cognito({ region: 'eu-west-1/x', userPoolId: 'p', domain: 'd.example.com' })).toThrow(/cognito\(\): `region`/);
    expect(() => cognito({ region: 'eu-west-1', userPoolId: 'p', domain: 'http://d.example.com' })).toThrow(/`domain` must be an absolute https URL/);
    expect(() => auth0({ domain: 'notes.auth0.com/evil' })).toThrow(/auth0\(\): `domain` must be a host name/);
    expect(() => keycloak({ url: 'https://sso.example.com', realm: '' })).toThrow(/`realm`/);
    expect(() => entra({ tenant: '../evil' })).toThrow(/entra\(\): `tenant`/);
  });

  it('google() is refused in the browser, with the reason and what to use instead', () => {
    expect(() => makeClient({ ...google(), scope: 'openid' })).toThrow(expect.objectContaining({ code: 'invalid_config', message: expect.stringMatching(/client secret.*@pkce-auth\/bff/) }));
  });
});

describe('cognito()', () => {
  const domain = 'https://notes.auth.eu-west-1.amazoncognito.com';
  const preset = () => cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_Abc', domain });
  const issuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc';

  it('signs in on the pool domain with no discovery request, and logs out at /logout?client_id&logout_uri', async () => {
    const nonce: { value?: string | null } = {};
    const tokens = tokenEndpoint(`${domain}/oauth2/token`, () => ({ iss: issuer, nonce: nonce.value }));
    const revoked: URLSearchParams[] = [];
    server.use(http.post(`${domain}/oauth2/revoke`, async ({ request }) => {
        revoked.push(new URLSearchParams(await request.text()));
        return new HttpResponse(null, { status: 200 });
      }));
    const { client, navigations } = makeClient({ ...preset(), postLogoutRedirectUri: `${APP}/` });
    await signInWithout9207(client, navigations, nonce);
    expect(new URL(navigations[0] as string).origin + new URL(navigations[0] as string).pathname).toBe(`${domain}/oauth2/authorize`);
    expect(tokens).toHaveLength(1);
    expect(client.getState().status).toBe('authenticated');
    await client.logout({ state: 'bye-1' });
    expect(revoked.map((body) => body.get('token'))).toEqual(['rt-1']);
    const out = new URL(navigations.at(-1) as string);
    expect(`${out.origin}${out.pathname}`).toBe(`${domain}/logout`);
    expect(Object.fromEntries(out.searchParams)).toEqual({ client_id: CLIENT_ID, logout_uri: `${APP}/`, state: 'bye-1' });
  });

  it('skips the server logout without a postLogoutRedirectUri (Cognito would show an error page)', async () => {
    const nonce: { value?: string | null } = {};
    tokenEndpoint(`${domain}/oauth2/token`, () => ({ iss: issuer, nonce: nonce.value }));
    server.use(http.post(`${domain}/oauth2/revoke`, () => new HttpResponse(null, { status: 200 })));
    const { client, navigations } = makeClient(preset());
    await signInWithout9207(client, navigations, nonce);
    const before = navigations.length;
    await client.logout();
    expect(navigations).toHaveLength(before);
    expect(client.getState().status).toBe('unauthenticated');
  });
});

describe('auth0()', () => {
  const origin = 'https://notes.eu.auth0.com';

  it('asks for the audience and logs out at /v2/logout?client_id&returnTo', async () => {
    server.use(
      http.get(`${origin}/.well-known/openid-configuration`, () =>
        HttpResponse.json({ issuer: `${origin}/`, authorization_endpoint: `${origin}/authorize`, token_endpoint: `${origin}/oauth/token`, revocation_endpoint: `${origin}/oauth/revoke` }),
      ),
      http.post(`${origin}/oauth/revoke`, () => new HttpResponse(null, { status: 200 })),
    );
    const nonce: { value?: string | null } = {};
    tokenEndpoint(`${origin}/oauth/token`, () => ({ iss: `${origin}/`, nonce: nonce.value }));
    const { client, navigations } = makeClient({ ...auth0({ domain: 'notes.eu.auth0.com', audience: 'https://api.notes.example' }), postLogoutRedirectUri: `${APP}/` });
    const params = await signInWithout9207(client, navigations, nonce);
    expect(params.get('audience')).toBe('https://api.notes.example');
    await client.logout();
    const out = new URL(navigations.at(-1) as string);
    expect(`${out.origin}${out.pathname}`).toBe(`${origin}/v2/logout`);
    expect(Object.fromEntries(out.searchParams)).toEqual({ client_id: CLIENT_ID, returnTo: `${APP}/` });
  });
});

describe('entra() for multi-tenant apps', () => {
  const common = 'https://login.microsoftonline.com/common/v2.0';
  const tid = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const tenantIssuer = `https://login.microsoftonline.com/${tid}/v2.0`;
  const metadata = (issuer = 'https://login.microsoftonline.com/{tenantid}/v2.0') =>
    server.use(
      http.get(`${common}/.well-known/openid-configuration`, () =>
        HttpResponse.json({
          issuer,
          authorization_endpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
          token_endpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
          end_session_endpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/logout',
        }),
      ),
    );
  const token = 'https://login.microsoftonline.com/common/oauth2/v2.0/token';

  it("accepts an ID token whose iss is the template filled with the token's own tid", async () => {
    metadata();
    const nonce: { value?: string | null } = {};
    tokenEndpoint(token, () => ({ iss: tenantIssuer, tid, nonce: nonce.value }));
    const { client, navigations } = makeClient(entra({ tenant: 'common' }));
    await signInWithout9207(client, navigations, nonce);
    expect(client.getState()).toMatchObject({ status: 'authenticated', user: { tid } });
  });

  it.each([
    ['another tenant than its tid', { iss: tenantIssuer, tid: '00000000-0000-0000-0000-000000000000' }],
    ['no tid', { iss: tenantIssuer }],
    ['the template itself', { iss: 'https://login.microsoftonline.com/{tenantid}/v2.0', tid }],
  ])('refuses an ID token whose iss names %s', async (_, claims) => {
    metadata();
    const nonce: { value?: string | null } = {};
    tokenEndpoint(token, () => ({ ...claims, nonce: nonce.value }));
    const { client, navigations } = makeClient(entra({ tenant: 'common' }));
    await expect(signInWithout9207(client, navigations, nonce)).rejects.toMatchObject({ code: 'invalid_id_token' });
    expect(client.getState().status).toBe('error');
  });

  it('still requires the metadata to name the template as its issuer', async () => {
    metadata('https://login.microsoftonline.com/evil/v2.0');
    const { client, navigations } = makeClient(entra({ tenant: 'common' }));
    await expect(client.login()).rejects.toMatchObject({ code: 'issuer_mismatch' });
    expect(navigations).toEqual([]);
  });
});
