import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COGNITO_USER_POOL_ID, ENTRA_TENANT_ID, startDevServer } from '../index.js';
import type { DevServer, ProfileName } from '../index.js';
import { CookieJar } from '../signIn.js';
import { claimsOf, discover, logoutAt, POST_LOGOUT_URI, refresh, signInAt } from './profileFlow.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';

/** What a client sees of each provider, as its profile's sources say (src/profiles/*.ts). */
const EXPECTED: Record<ProfileName, { iss: boolean; rotates: boolean; aud: boolean; revocation: boolean; logout: (s: DevServer) => string }> = {
  cognito: { iss: false, rotates: false, aud: false, revocation: true, logout: (s) => `${s.endpointsOrigin}/logout?client_id=notes-spa&logout_uri=${encodeURIComponent(POST_LOGOUT_URI)}&state=s1` },
  auth0: { iss: false, rotates: true, aud: true, revocation: true, logout: (s) => `${s.endpointsOrigin}/v2/logout?client_id=notes-spa&returnTo=${encodeURIComponent(POST_LOGOUT_URI)}&state=s1` },
  keycloak: { iss: true, rotates: false, aud: true, revocation: true, logout: endSession },
  entra: { iss: false, rotates: false, aud: true, revocation: false, logout: endSession },
  okta: { iss: false, rotates: true, aud: true, revocation: true, logout: endSession },
};

const endSessionEndpoints = new Map<DevServer, string>();
function endSession(s: DevServer): string {
  return `${endSessionEndpoints.get(s)}?client_id=notes-spa&post_logout_redirect_uri=${encodeURIComponent(POST_LOGOUT_URI)}&state=s1`;
}

describe.each(Object.keys(EXPECTED) as ProfileName[])('the %s profile', (name) => {
  const expected = EXPECTED[name];
  let server: DevServer;

  beforeAll(async () => {
    server = await startDevServer({ port: 0, profile: name });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('has the discovery document of that provider', async () => {
    const as = await discover(server.issuer);
    expect(as.issuer).toBe(server.issuer);
    expect(as.authorization_response_iss_parameter_supported).toBe(expected.iss ? true : undefined);
    expect(as.revocation_endpoint !== undefined).toBe(expected.revocation && name !== 'cognito');
    expect(as.end_session_endpoint !== undefined).toBe(expected.logout === endSession);
    if (as.end_session_endpoint) endSessionEndpoints.set(server, as.end_session_endpoint);
  });

  it(`signs in ${expected.iss ? 'with' : 'without'} RFC 9207 iss, with access tokens ${expected.aud ? 'with' : 'without'} aud`, async () => {
    const as = await discover(server.issuer);
    const { callback, tokens } = await signInAt(as);
    expect(callback.searchParams.get('iss')).toBe(expected.iss ? server.issuer : null);
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(as.jwks_uri as string)), { issuer: server.issuer, typ: 'at+jwt' });
    expect(payload['client_id']).toBe('notes-spa');
    expect(payload['aud']).toEqual(expected.aud ? 'http://localhost:4001' : undefined);
  });

  it(expected.rotates ? 'rotates refresh tokens: the used one is refused' : 'keeps the refresh token: the same one works again', async () => {
    const as = await discover(server.issuer);
    const { tokens } = await signInAt(as);
    const first = tokens.refresh_token as string;
    const next = await refresh(as, first);
    expect(typeof next).toBe('object');
    if (typeof next === 'string') return;
    if (expected.rotates) {
      expect(next.refresh_token).toBeDefined();
      expect(next.refresh_token).not.toBe(first);
      expect(await refresh(as, first)).toBe('invalid_grant');
    } else {
      // oidc-provider answers with the same refresh token (Cognito sends none, Entra and Keycloak a
      // new one while the old stays valid): what matters to a client is that the old one works again.
      expect([undefined, first]).toContain(next.refresh_token);
      expect(typeof (await refresh(as, first))).toBe('object');
    }
  });

  it("logs out at that provider's logout endpoint with its parameters and comes back with state", async () => {
    const as = await discover(server.issuer);
    const { jar } = await signInAt(as);
    const { status, location } = await logoutAt(expected.logout(server), jar);
    expect(status).toBe(303);
    expect(location).toBe(`${POST_LOGOUT_URI}?state=s1`);
  });

  it('refuses a logout return URI the client did not register', async () => {
    await discover(server.issuer).then((as) => as.end_session_endpoint && endSessionEndpoints.set(server, as.end_session_endpoint));
    const url = expected.logout(server).replace(encodeURIComponent(POST_LOGOUT_URI), encodeURIComponent('https://evil.example/'));
    const { status, location, html } = await logoutAt(url, new CookieJar());
    expect(location).toBeNull();
    expect(status).toBe(400);
    expect(html).toContain('post_logout_redirect_uri');
  });
});

describe('cognito: two hosts', () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer({ port: 0, profile: 'cognito' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('has its issuer at /<userPoolId> on one origin and its endpoints on another (the hosted-UI domain)', async () => {
    expect(server.issuer).toBe(`http://127.0.0.1:${server.port}/${COGNITO_USER_POOL_ID}`);
    expect(server.endpointsOrigin).not.toBe(new URL(server.issuer).origin);
    const as = await discover(server.issuer);
    expect(as.authorization_endpoint).toBe(`${server.endpointsOrigin}/oauth2/authorize`);
    expect(as.token_endpoint).toBe(`${server.endpointsOrigin}/oauth2/token`);
    // Not in its discovery, but served (the preset names it).
    expect(as.revocation_endpoint).toBeUndefined();
    const revoke = await fetch(`${server.endpointsOrigin}/oauth2/revoke`, { method: 'POST', body: new URLSearchParams({ client_id: 'notes-spa', token: 'x' }) });
    expect(revoke.status).toBe(200);
    expect(as.jwks_uri).toBe(`${server.issuer}/.well-known/jwks.json`);
    expect((await fetch(`${server.issuer}/oauth2/authorize`)).status).toBe(404);
    expect((await fetch(`${server.endpointsOrigin}/.well-known/openid-configuration`)).status).toBe(404);
  });

  it('marks its tokens with token_use', async () => {
    const { tokens } = await signInAt(await discover(server.issuer));
    expect(claimsOf(tokens.access_token)['token_use']).toBe('access');
    expect(claimsOf(tokens.id_token as string)['token_use']).toBe('id');
  });
});

describe('auth0: audience', () => {
  it('names the API with audience= and issues its issuer with a trailing slash', async () => {
    const server = await startDevServer({ port: 0, profile: 'auth0', resource: 'https://api.example/' });
    try {
      expect(server.issuer).toBe(`http://127.0.0.1:${server.port}/`);
      const { tokens } = await signInAt(await discover(server.issuer), { audience: 'https://api.example/' });
      expect(claimsOf(tokens.access_token)['aud']).toBe('https://api.example/');
    } finally {
      await server.stop();
    }
  });
});

describe('entra: multi-tenant metadata', () => {
  it('serves /common/v2.0 discovery with the {tenantid} issuer template; tokens carry the tenant issuer and tid', async () => {
    const server = await startDevServer({ port: 0, profile: 'entra' });
    try {
      const origin = new URL(server.issuer).origin;
      expect(server.issuer).toBe(`${origin}/${ENTRA_TENANT_ID}/v2.0`);
      const common = (await (await fetch(`${origin}/common/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
      expect(common['issuer']).toBe(`${origin}/{tenantid}/v2.0`);
      expect(common['authorization_endpoint']).toBe(`${origin}/common/v2.0/oauth2/v2.0/authorize`);
      // Through /common's endpoints the tokens are the tenant's (a client checks iss against the template with tid).
      const viaCommon = await signInAt({ ...common, issuer: server.issuer });
      expect(claimsOf(viaCommon.tokens.id_token as string)).toMatchObject({ iss: server.issuer, tid: ENTRA_TENANT_ID });
      const { tokens } = await signInAt(await discover(server.issuer));
      const id = claimsOf(tokens.id_token as string);
      expect(id['iss']).toBe(server.issuer);
      expect(id['tid']).toBe(ENTRA_TENANT_ID);
      expect((await fetch(`${server.issuer}/token/revocation`, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
