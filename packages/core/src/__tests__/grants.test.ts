// @vitest-environment node
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { clientCredentials, exchangeCode, refreshTokens, revokeToken } from '../server/grants.js';
import { clearDiscoveryCache, discover } from '../protocol/discovery.js';
import { discoveryDocument, idToken, ISSUER, TOKEN_ENDPOINT } from './fixtures.js';
import { server } from './msw.js';

function tokenEndpoint(answer: (body: URLSearchParams, headers: Headers) => Response | Promise<Response>) {
  const calls: { body: URLSearchParams; headers: Headers }[] = [];
  server.use(
    http.get(`${ISSUER}/.well-known/openid-configuration`, () => HttpResponse.json(discoveryDocument())),
    http.post(TOKEN_ENDPOINT, async ({ request }) => {
      const body = new URLSearchParams(await request.text());
      calls.push({ body, headers: request.headers });
      return answer(body, request.headers);
    }),
  );
  return calls;
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('server-side grants (Node)', () => {
  it('clientCredentials with client_secret_basic (default)', async () => {
    const calls = tokenEndpoint(() => HttpResponse.json({ access_token: 'machine', token_type: 'Bearer', expires_in: 60, scope: 'notes:read' }));
    const tokens = await clientCredentials({ issuer: ISSUER, clientId: 'job', clientSecret: 's3cret', scope: 'notes:read', params: { resource: 'https://api' } });
    expect(tokens).toMatchObject({ accessToken: 'machine', tokenType: 'Bearer', scope: 'notes:read' });
    expect(calls[0]?.headers.get('authorization')).toBe(basic('job', 's3cret'));
    expect(Object.fromEntries(calls[0]?.body ?? [])).toEqual({ grant_type: 'client_credentials', scope: 'notes:read', resource: 'https://api' });
  });

  it('clientCredentials with client_secret_post and an explicit token endpoint (no discovery)', async () => {
    const calls: URLSearchParams[] = [];
    server.use(
      http.post(TOKEN_ENDPOINT, async ({ request }) => {
        calls.push(new URLSearchParams(await request.text()));
        return HttpResponse.json({ access_token: 'machine', token_type: 'bearer' });
      }),
    );
    await clientCredentials({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'job', clientSecret: 's3cret', authMethod: 'client_secret_post' });
    expect(Object.fromEntries(calls[0] ?? [])).toEqual({ grant_type: 'client_credentials', client_id: 'job', client_secret: 's3cret' });
  });

  it('clientCredentials surfaces invalid_client as token_error', async () => {
    tokenEndpoint(() => HttpResponse.json({ error: 'invalid_client' }, { status: 401 }));
    await expect(clientCredentials({ issuer: ISSUER, clientId: 'job', clientSecret: 'wrong' })).rejects.toMatchObject({ code: 'token_error', error: 'invalid_client' });
  });

  it('exchangeCode validates the callback and sends the verifier with the secret', async () => {
    const calls = tokenEndpoint(() =>
      HttpResponse.json({ access_token: 'web', token_type: 'Bearer', expires_in: 60, refresh_token: 'r1', id_token: idToken({ aud: 'web', nonce: 'n1' }) }),
    );
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const result = await exchangeCode({
      issuer: ISSUER,
      clientId: 'web',
      clientSecret: 'shh',
      redirectUri: 'https://app.example/callback',
      callbackUrl: `https://app.example/callback?code=abc&state=s1&iss=${encodeURIComponent(ISSUER)}`,
      codeVerifier: verifier,
      expectedState: 's1',
      expectedNonce: 'n1',
    });
    expect(result.tokens).toMatchObject({ accessToken: 'web', refreshToken: 'r1' });
    expect(result.claims?.sub).toBe('user-1');
    expect(calls[0]?.headers.get('authorization')).toBe(basic('web', 'shh'));
    expect(Object.fromEntries(calls[0]?.body ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: 'abc',
      code_verifier: verifier,
      redirect_uri: 'https://app.example/callback',
    });
  });

  it('exchangeCode refuses a wrong state or iss before any token request', async () => {
    const calls = tokenEndpoint(() => HttpResponse.json({}));
    const base = { issuer: ISSUER, clientId: 'web', clientSecret: 'shh', redirectUri: 'https://app.example/cb', codeVerifier: 'v'.repeat(43), expectedState: 's1' };
    await expect(exchangeCode({ ...base, callbackUrl: `https://app.example/cb?code=a&state=evil&iss=${encodeURIComponent(ISSUER)}` })).rejects.toMatchObject({ code: 'state_mismatch' });
    await expect(exchangeCode({ ...base, callbackUrl: 'https://app.example/cb?code=a&state=s1&iss=https%3A%2F%2Fevil' })).rejects.toMatchObject({ code: 'issuer_mismatch' });
    await expect(exchangeCode({ ...base, callbackUrl: `https://app.example/cb?error=access_denied&state=s1&iss=${encodeURIComponent(ISSUER)}` })).rejects.toMatchObject({
      code: 'authorization_error',
      error: 'access_denied',
    });
    // The same callback rules as the browser client: an empty error= or two codes spend nothing.
    await expect(exchangeCode({ ...base, callbackUrl: `https://app.example/cb?code=a&error=&state=s1&iss=${encodeURIComponent(ISSUER)}` })).rejects.toMatchObject({ code: 'authorization_error' });
    await expect(exchangeCode({ ...base, callbackUrl: `https://app.example/cb?code=a&code=b&state=s1&iss=${encodeURIComponent(ISSUER)}` })).rejects.toMatchObject({ code: 'authorization_error' });
    expect(calls).toHaveLength(0);
  });

  it('refreshTokens and revokeToken', async () => {
    const calls = tokenEndpoint(() => HttpResponse.json({ access_token: 'a2', token_type: 'Bearer', refresh_token: 'r2' }));
    const revoked: URLSearchParams[] = [];
    server.use(
      http.post(`${ISSUER}/revoke`, async ({ request }) => {
        revoked.push(new URLSearchParams(await request.text()));
        return new HttpResponse(null, { status: 200 });
      }),
    );
    await expect(refreshTokens({ issuer: ISSUER, clientId: 'web', clientSecret: 'shh', refreshToken: 'r1' })).resolves.toMatchObject({ accessToken: 'a2', refreshToken: 'r2' });
    expect(Object.fromEntries(calls[0]?.body ?? [])).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1' });
    await revokeToken({ issuer: ISSUER, clientId: 'web', clientSecret: 'shh', token: 'r2', tokenTypeHint: 'refresh_token' });
    expect(Object.fromEntries(revoked[0] ?? [])).toEqual({ token: 'r2', token_type_hint: 'refresh_token' });
  });

  it('discover() refuses a document whose issuer differs (issuer_mismatch) and reports a down server (network_error)', async () => {
    server.use(http.get('https://other.example/.well-known/openid-configuration', () => HttpResponse.json(discoveryDocument())));
    await expect(discover('https://other.example', { cache: false })).rejects.toMatchObject({ code: 'issuer_mismatch' });
    server.use(http.get('https://down.example/.well-known/openid-configuration', () => HttpResponse.error()));
    await expect(discover('https://down.example', { cache: false })).rejects.toMatchObject({ code: 'network_error' });
    server.use(http.get('https://html.example/.well-known/openid-configuration', () => new HttpResponse('<html/>', { headers: { 'content-type': 'text/html' } })));
    await expect(discover('https://html.example', { cache: false })).rejects.toMatchObject({ code: 'discovery_failed' });
  });

  it('issuerTemplate (Entra multi-tenant): the discovered template is accepted, each ID token\'s iss must be its own tenant\'s', async () => {
    const common = 'https://login.example.com/common/v2.0';
    const template = 'https://login.example.com/{tenantid}/v2.0';
    const token = 'https://login.example.com/common/oauth2/v2.0/token';
    const idTokens: string[] = [];
    server.use(
      http.get(`${common}/.well-known/openid-configuration`, () => HttpResponse.json(discoveryDocument({ issuer: template, token_endpoint: token }))),
      http.post(token, () => HttpResponse.json({ access_token: 'a', token_type: 'Bearer', id_token: idTokens.shift() })),
    );
    const opts = { issuer: common, clientId: 'notes-spa', clientSecret: 'shh', refreshToken: 'r1' };
    clearDiscoveryCache();
    // Without the template the discovered issuer is not the one configured.
    await expect(refreshTokens(opts)).rejects.toMatchObject({ code: 'issuer_mismatch' });
    idTokens.push(idToken({ iss: 'https://login.example.com/t-1/v2.0', tid: 't-1' }));
    await expect(refreshTokens({ ...opts, issuerTemplate: template })).resolves.toMatchObject({ accessToken: 'a' });
    // Signed "by" tenant t-1 but claiming tenant t-2, or the template itself: refused.
    for (const claims of [{ iss: 'https://login.example.com/t-1/v2.0', tid: 't-2' }, { iss: template }]) {
      idTokens.push(idToken(claims));
      await expect(refreshTokens({ ...opts, issuerTemplate: template })).rejects.toThrow(/"iss"/);
    }
    await expect(refreshTokens({ ...opts, issuerTemplate: 'https://login.example.com/common/v2.0' })).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringMatching(/\{tenantid\}/) });
    clearDiscoveryCache();
  });

  it('refuses plain http to a public host with invalid_config before any request', async () => {
    await expect(clientCredentials({ tokenEndpoint: 'http://auth.example.com/token', clientId: 'a', clientSecret: 'b' })).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
