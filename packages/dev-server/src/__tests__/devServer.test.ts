import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENTS, DEFAULT_RESOURCE, startDevServer } from '../index.js';
import type { DevServer } from '../index.js';
import { authorize, CookieJar } from '../signIn.js';
import { authorizationUrl, tokenRequest, verifyJwt } from './flow.js';

const REDIRECT_URI = 'http://localhost:5173/callback';
const machine = { clientId: CLIENTS.machine.clientId, clientSecret: CLIENTS.machine.clientSecret };

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0, appOrigins: ['http://127.0.0.1:61234'] });
});

afterAll(async () => {
  await server.stop();
});

describe('discovery', () => {
  it('advertises S256 PKCE, RFC 9207 iss, revocation and end-session endpoints', async () => {
    expect(server.issuer).toBe(`http://127.0.0.1:${server.port}`);
    const res = await fetch(`${server.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(meta['issuer']).toBe(server.issuer);
    expect(meta['code_challenge_methods_supported']).toEqual(['S256']);
    expect(meta['authorization_response_iss_parameter_supported']).toBe(true);
    expect(meta['revocation_endpoint']).toBe(`${server.issuer}/token/revocation`);
    expect(meta['end_session_endpoint']).toBe(`${server.issuer}/session/end`);
    expect(meta['response_types_supported']).toEqual(['code']);
    expect(meta['scopes_supported']).toEqual(expect.arrayContaining(['openid', 'offline_access', 'notes:read', 'notes:write', 'notes:export']));
  });

  it('registers no empty scope for empty scope options', async () => {
    const empty = await startDevServer({ port: 0, tagsScopes: '', resourceScopes: '', machineScopes: '' });
    try {
      const meta = (await (await fetch(`${empty.issuer}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[] };
      expect(meta.scopes_supported).toEqual(['openid', 'profile', 'email', 'offline_access']);
    } finally {
      await empty.stop();
    }
  });
});

describe('client credentials', () => {
  it('issues a JWT for the resource with the requested scope', async () => {
    const { status, json } = await tokenRequest(
      server.issuer,
      { grant_type: 'client_credentials', scope: 'notes:read', resource: DEFAULT_RESOURCE },
      machine,
    );
    expect(status).toBe(200);
    expect(json['token_type']).toBe('Bearer');
    expect(json['scope']).toBe('notes:read');
    const { header, payload } = await verifyJwt(server.issuer, json['access_token'] as string);
    expect(header['typ']).toBe('at+jwt');
    expect(payload['iss']).toBe(server.issuer);
    expect(payload['aud']).toBe(DEFAULT_RESOURCE);
    expect(payload['client_id']).toBe('notes-machine');
    expect(String(payload['scope']).split(' ')).toContain('notes:read');
  });

  it('defaults the resource when only the API scopes are asked for', async () => {
    const { status, json } = await tokenRequest(server.issuer, { grant_type: 'client_credentials', scope: 'notes:read notes:write' }, machine);
    expect(status).toBe(200);
    const { payload } = await verifyJwt(server.issuer, json['access_token'] as string);
    expect(payload['aud']).toBe(DEFAULT_RESOURCE);
    expect(payload['scope']).toBe('notes:read notes:write');
  });

  it('grants notes:export, the export scope, to the machine client', async () => {
    for (const params of [{ resource: DEFAULT_RESOURCE }, {}]) {
      const { status, json } = await tokenRequest(server.issuer, { grant_type: 'client_credentials', scope: 'notes:export', ...params }, machine);
      expect(status).toBe(200);
      expect(json['scope']).toBe('notes:export');
      const { payload } = await verifyJwt(server.issuer, json['access_token'] as string);
      expect(payload).toMatchObject({ aud: DEFAULT_RESOURCE, client_id: 'notes-machine', scope: 'notes:export' });
    }
  });

  it('rejects a wrong secret and an unknown resource', async () => {
    const bad = await tokenRequest(server.issuer, { grant_type: 'client_credentials', scope: 'notes:read' }, { ...machine, clientSecret: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.json['error']).toBe('invalid_client');
    const target = await tokenRequest(server.issuer, { grant_type: 'client_credentials', scope: 'notes:read', resource: 'http://localhost:9999' }, machine);
    expect(target.status).toBe(400);
    expect(target.json['error']).toBe('invalid_target');
  });
});

describe('authorization code + PKCE (notes-spa)', () => {
  it('signs in, issues a rotating refresh token and refuses the old one', async () => {
    const { callbackUrl, verifier, state, pages } = await authorize({ issuer: server.issuer, resource: DEFAULT_RESOURCE });
    expect(pages[0]).toContain('name="username"');
    expect(pages[0]).toContain('name="password"');
    expect(pages[0]).toMatch(/<button type="submit"[^>]*>Sign in<\/button>/);
    expect(pages[1]).toContain('>Allow</button>');
    expect(pages[1]).toContain('>Deny</button>');
    expect(callbackUrl.searchParams.get('state')).toBe(state);
    expect(callbackUrl.searchParams.get('iss')).toBe(server.issuer);
    const code = callbackUrl.searchParams.get('code');
    expect(code).toBeTruthy();

    const exchanged = await tokenRequest(server.issuer, {
      grant_type: 'authorization_code',
      client_id: 'notes-spa',
      code: code as string,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(exchanged.status).toBe(200);
    expect(exchanged.json['refresh_token']).toEqual(expect.any(String));
    expect(exchanged.json['id_token']).toEqual(expect.any(String));
    expect(exchanged.json['expires_in']).toBeGreaterThan(0);
    const at = await verifyJwt(server.issuer, exchanged.json['access_token'] as string);
    expect(at.payload['aud']).toBe(DEFAULT_RESOURCE);
    expect(at.payload['sub']).toBe('demo-user');
    expect(at.payload['scope']).toBe('notes:read notes:write');
    const id = await verifyJwt(server.issuer, exchanged.json['id_token'] as string);
    expect(id.payload).toMatchObject({ aud: 'notes-spa', sub: 'demo-user', name: 'Demo User', email: 'demo@example.com' });

    const refreshed = await tokenRequest(server.issuer, {
      grant_type: 'refresh_token',
      client_id: 'notes-spa',
      refresh_token: exchanged.json['refresh_token'] as string,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json['refresh_token']).toEqual(expect.any(String));
    expect(refreshed.json['refresh_token']).not.toBe(exchanged.json['refresh_token']);
    const at2 = await verifyJwt(server.issuer, refreshed.json['access_token'] as string);
    expect(at2.payload['aud']).toBe(DEFAULT_RESOURCE);

    const reused = await tokenRequest(server.issuer, {
      grant_type: 'refresh_token',
      client_id: 'notes-spa',
      refresh_token: exchanged.json['refresh_token'] as string,
    });
    expect(reused.status).toBe(400);
    expect(reused.json['error']).toBe('invalid_grant');

    // Reuse is treated as theft: the whole grant, with the newest refresh token, is revoked.
    const newest = await tokenRequest(server.issuer, {
      grant_type: 'refresh_token',
      client_id: 'notes-spa',
      refresh_token: refreshed.json['refresh_token'] as string,
    });
    expect(newest.json['error']).toBe('invalid_grant');
  });

  it('gets the API JWT without a resource parameter when the API scopes are requested', async () => {
    const { callbackUrl, verifier } = await authorize({ issuer: server.issuer });
    const exchanged = await tokenRequest(server.issuer, {
      grant_type: 'authorization_code',
      client_id: 'notes-spa',
      code: callbackUrl.searchParams.get('code') as string,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(exchanged.status).toBe(200);
    const at = await verifyJwt(server.issuer, exchanged.json['access_token'] as string);
    expect(at.payload['aud']).toBe(DEFAULT_RESOURCE);
  });

  it('skips login and consent for a second request in the same browser session', async () => {
    const jar = new CookieJar();
    await authorize({ issuer: server.issuer, jar });
    const again = await authorize({ issuer: server.issuer, jar });
    expect(again.pages).toHaveLength(0);
    expect(again.callbackUrl.searchParams.get('code')).toBeTruthy();
  });

  it('rejects a wrong code_verifier', async () => {
    const { callbackUrl } = await authorize({ issuer: server.issuer });
    const res = await tokenRequest(server.issuer, {
      grant_type: 'authorization_code',
      client_id: 'notes-spa',
      code: callbackUrl.searchParams.get('code') as string,
      redirect_uri: REDIRECT_URI,
      code_verifier: 'x'.repeat(43),
    });
    expect(res.status).toBe(400);
    expect(res.json['error']).toBe('invalid_grant');
  });

  it('redirects with access_denied when the person clicks Deny', async () => {
    const { callbackUrl, state } = await authorize({ issuer: server.issuer, decision: 'deny' });
    expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
    expect(callbackUrl.searchParams.get('state')).toBe(state);
    expect(callbackUrl.searchParams.get('iss')).toBe(server.issuer);
  });

  it('shows an error on a wrong password', async () => {
    const jar = new CookieJar();
    const res = await fetch(authorizationUrl(server.issuer), { redirect: 'manual' });
    jar.store(res);
    const interaction = new URL(res.headers.get('location') ?? '', server.issuer);
    const login = await fetch(new URL(`${interaction.pathname}/login`, interaction), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=demo&password=wrong',
    });
    expect(login.status).toBe(401);
    expect(await login.text()).toContain('Invalid username or password');
  });

  it('refuses notes:export, the machine-only scope, to the person-facing clients', async () => {
    const spa = await authorize({ issuer: server.issuer, scope: 'openid notes:read notes:export' });
    expect(spa.callbackUrl.searchParams.get('error')).toBe('invalid_scope');
    expect(spa.pages).toHaveLength(0);
    const web = await authorize({
      issuer: server.issuer,
      clientId: CLIENTS.web.clientId,
      redirectUri: 'http://127.0.0.1:5174/callback',
      scope: 'openid notes:export',
    });
    expect(web.callbackUrl.searchParams.get('error')).toBe('invalid_scope');
  });

  it('rejects an authorization request without PKCE', async () => {
    const { callbackUrl } = await authorize({ issuer: server.issuer, pkce: false });
    expect(callbackUrl.searchParams.get('error')).toBe('invalid_request');
    expect(callbackUrl.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('accepts the extra app origins for redirects and CORS', async () => {
    const { callbackUrl, verifier } = await authorize({ issuer: server.issuer, redirectUri: 'http://127.0.0.1:61234/callback' });
    const res = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:61234' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'notes-spa',
        code: callbackUrl.searchParams.get('code') as string,
        redirect_uri: 'http://127.0.0.1:61234/callback',
        code_verifier: verifier,
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:61234');
  });

  it('revokes a refresh token', async () => {
    const { callbackUrl, verifier } = await authorize({ issuer: server.issuer });
    const { json } = await tokenRequest(server.issuer, {
      grant_type: 'authorization_code',
      client_id: 'notes-spa',
      code: callbackUrl.searchParams.get('code') as string,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    const revoke = await fetch(`${server.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'notes-spa', token: json['refresh_token'] as string, token_type_hint: 'refresh_token' }),
    });
    expect(revoke.status).toBe(200);
    const after = await tokenRequest(server.issuer, { grant_type: 'refresh_token', client_id: 'notes-spa', refresh_token: json['refresh_token'] as string });
    expect(after.json['error']).toBe('invalid_grant');
  });
});

describe('confidential web client (notes-web)', () => {
  it('exchanges a code with its client secret', async () => {
    const redirectUri = 'http://127.0.0.1:5174/callback';
    const { callbackUrl, verifier } = await authorize({ issuer: server.issuer, clientId: 'notes-web', redirectUri, scope: 'openid profile' });
    const res = await tokenRequest(
      server.issuer,
      { grant_type: 'authorization_code', code: callbackUrl.searchParams.get('code') as string, redirect_uri: redirectUri, code_verifier: verifier },
      { clientId: CLIENTS.web.clientId, clientSecret: CLIENTS.web.clientSecret },
    );
    expect(res.status).toBe(200);
    expect(res.json['id_token']).toEqual(expect.any(String));
  });
});

describe('logout', () => {
  it('renders a self-submitting confirmation and redirects to the post_logout_redirect_uri', async () => {
    const { callbackUrl, verifier, jar } = await authorize({ issuer: server.issuer });
    const { json } = await tokenRequest(server.issuer, {
      grant_type: 'authorization_code',
      client_id: 'notes-spa',
      code: callbackUrl.searchParams.get('code') as string,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    const end = await fetch(
      `${server.issuer}/session/end?${new URLSearchParams({
        id_token_hint: json['id_token'] as string,
        client_id: 'notes-spa',
        post_logout_redirect_uri: 'http://localhost:5173/',
      })}`,
      { headers: { cookie: jar.header() } },
    );
    jar.store(end);
    const html = await end.text();
    expect(end.status).toBe(200);
    const action = /action="([^"]+)"/.exec(html)?.[1] as string;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] as string;
    expect(html).toContain('f.submit()');
    const confirm = await fetch(new URL(action, server.issuer), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get('location')).toBe('http://localhost:5173/');
  });
});

describe('stop()', () => {
  it('closes keep-alive connections and frees the port', async () => {
    const other = await startDevServer({ port: 0 });
    const res = await fetch(`${other.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    await other.stop();
    await expect(fetch(`${other.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(other.port, '127.0.0.1', () => probe.close(() => resolve()));
    });
  });
});

describe('signIn()', () => {
  it('returns a person\'s tokens without a browser', async () => {
    const { signIn } = await import('../index.js');
    const tokens = await signIn({ issuer: server.issuer, username: 'alice', password: 'alice', scope: 'openid notes:read' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const { payload } = await verifyJwt(server.issuer, tokens.access_token);
    expect(payload).toMatchObject({ sub: 'alice-user', aud: DEFAULT_RESOURCE, scope: 'notes:read' });
  });

  it('works for the confidential notes-web client', async () => {
    const { signIn } = await import('../index.js');
    const tokens = await signIn({
      issuer: server.issuer,
      clientId: CLIENTS.web.clientId,
      clientSecret: CLIENTS.web.clientSecret,
      redirectUri: 'http://127.0.0.1:5174/callback',
      scope: 'openid profile',
    });
    expect(tokens.id_token).toEqual(expect.any(String));
  });

  it('fails loudly on a wrong password', async () => {
    const { signIn } = await import('../index.js');
    await expect(signIn({ issuer: server.issuer, password: 'wrong' })).rejects.toThrow(/HTTP 401/);
  });
});
