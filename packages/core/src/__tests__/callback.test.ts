import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors.js';
import { CLIENT_ID, fakeServer, idToken, ISSUER, json, makeClient, REDIRECT_URI, startLogin, TOKEN_ENDPOINT } from './fixtures.js';
import { server } from './msw.js';

const iss = encodeURIComponent(ISSUER);
const pendingCount = (): number => Object.keys(JSON.parse(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:pending`) ?? '{}') as object).length;

async function prepared(opts: Parameters<typeof fakeServer>[0] = {}) {
  const fake = fakeServer(opts);
  const { client, navigations } = makeClient();
  const params = await startLogin(client, navigations, '/notes?x=1');
  const state = params.get('state') as string;
  fake.state.nonce = params.get('nonce') ?? undefined;
  return { fake, client, navigations, params, state, url: `${REDIRECT_URI}?code=the-code&state=${state}&iss=${iss}` };
}

async function failure(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected the promise to reject');
}

describe('handleCallback()', () => {
  it('exchanges the code once with the exact form body and signs in', async () => {
    const { fake, client, params, url } = await prepared();
    const pending = JSON.parse(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:pending`) ?? '{}') as Record<string, { verifier: string }>;
    const verifier = pending[params.get('state') as string]?.verifier;
    await expect(client.handleCallback(url)).resolves.toEqual({ returnTo: '/notes?x=1' });
    expect(fake.calls.token).toHaveLength(1);
    const body = fake.calls.token[0]?.body as URLSearchParams;
    expect(Object.fromEntries(body)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
    });
    const state = client.getState();
    expect(state.status).toBe('authenticated');
    expect(state.user).toMatchObject({ sub: 'user-1', name: 'Ada' });
    expect(state.tokens).toMatchObject({ accessToken: 'at-1', tokenType: 'Bearer' });
    expect(state.tokens).not.toHaveProperty('refreshToken');
    expect(state.tokens?.expiresAt).toBeGreaterThan(Date.now() + 290_000);
    expect(pendingCount()).toBe(0);
  });

  it('the callback page makes exactly one request (no discovery): metadata travels with the pending login', async () => {
    const { fake, url } = await prepared();
    const discoveriesBefore = fake.calls.discovery;
    // A new page: a fresh client, as after the redirect back.
    const { client } = makeClient();
    await client.handleCallback(url);
    expect(fake.calls.discovery).toBe(discoveriesBefore);
    expect(fake.calls.token).toHaveLength(1);
  });

  it('shares one exchange among concurrent and repeated calls (StrictMode double effects)', async () => {
    const { fake, client, url } = await prepared();
    const results = await Promise.all([client.handleCallback(url), client.handleCallback(url), client.handleCallback(url)]);
    await client.handleCallback(url);
    expect(fake.calls.token).toHaveLength(1);
    expect(new Set(results.map((r) => r.returnTo))).toEqual(new Set(['/notes?x=1']));
  });

  it('is loading on the redirect URI with code and state, and not elsewhere', async () => {
    window.history.replaceState(null, '', '/callback?code=a&state=b');
    expect(makeClient().client.getState().status).toBe('loading');
    window.history.replaceState(null, '', '/callback?error=access_denied&state=b');
    expect(makeClient().client.getState().status).toBe('loading');
    window.history.replaceState(null, '', '/other?code=a&state=b');
    expect(makeClient().client.getState().status).toBe('unauthenticated');
    window.history.replaceState(null, '', '/');
  });

  it('rejects a state that matches no pending login with state_mismatch and no request', async () => {
    const { fake, client } = await prepared();
    const error = await failure(client.handleCallback(`${REDIRECT_URI}?code=x&state=forged&iss=${iss}`));
    expect(error.code).toBe('state_mismatch');
    expect(fake.calls.token).toHaveLength(0);
    expect(client.getState()).toMatchObject({ status: 'error', error });
  });

  it('after a session exists, a replayed callback (reload, back button) resolves to / with no request', async () => {
    const { fake, client, url } = await prepared();
    await client.handleCallback(url);
    const { client: reloaded } = makeClient();
    await expect(reloaded.handleCallback(url)).resolves.toEqual({ returnTo: '/' });
    expect(fake.calls.token).toHaveLength(1);
    expect(reloaded.getState().status).toBe('authenticated');
  });

  it('checks state before surfacing error=: a forged error response is state_mismatch', async () => {
    const { client } = await prepared();
    const error = await failure(client.handleCallback(`${REDIRECT_URI}?error=access_denied&state=forged&iss=${iss}`));
    expect(error.code).toBe('state_mismatch');
  });

  it('checks iss before surfacing error= (RFC 9207)', async () => {
    const { client, state } = await prepared();
    const error = await failure(client.handleCallback(`${REDIRECT_URI}?error=access_denied&state=${state}&iss=https%3A%2F%2Fevil.example`));
    expect(error.code).toBe('issuer_mismatch');
    expect(pendingCount()).toBe(0);
  });

  it('requires iss when the server advertises authorization_response_iss_parameter_supported', async () => {
    const { fake, client, state } = await prepared();
    const error = await failure(client.handleCallback(`${REDIRECT_URI}?code=c&state=${state}`));
    expect(error.code).toBe('issuer_mismatch');
    expect(fake.calls.token).toHaveLength(0);
  });

  it('surfaces error=access_denied as authorization_error and deletes the pending login', async () => {
    const { client, state } = await prepared();
    const error = await failure(client.handleCallback(`${REDIRECT_URI}?error=access_denied&error_description=User+said+no&state=${state}&iss=${iss}`));
    expect(error).toMatchObject({ code: 'authorization_error', error: 'access_denied', errorDescription: 'User said no' });
    expect(pendingCount()).toBe(0);
    expect(client.getState().status).toBe('error');
  });

  it.each([
    ['state', (s: string) => `code=c&state=${s}&state=${s}&iss=${iss}`, 'state_mismatch'],
    ['code', (s: string) => `code=c&code=d&state=${s}&iss=${iss}`, 'authorization_error'],
    ['iss', (s: string) => `code=c&state=${s}&iss=${iss}&iss=${iss}`, 'issuer_mismatch'],
  ])('rejects a duplicated %s parameter', async (_name, query, code) => {
    const { fake, client, state } = await prepared();
    const error = await failure(client.handleCallback(`${REDIRECT_URI}?${query(state)}`));
    expect(error.code).toBe(code);
    expect(fake.calls.token).toHaveLength(0);
  });

  it('an empty error= with a valid state, iss and code spends nothing (oauth4webapi lets it through)', async () => {
    const { fake, client, state } = await prepared();
    const error = await failure(client.handleCallback(`${REDIRECT_URI}?code=c&error=&state=${state}&iss=${iss}`));
    expect(error.code).toBe('authorization_error');
    expect(fake.calls.token).toHaveLength(0);
  });

  it('re-checks a stored returnTo before spending the code: a tampered //host is invalid_return_to', async () => {
    const { fake, client, state, url } = await prepared();
    const key = `pkce-auth:${CLIENT_ID}:pending`;
    const all = JSON.parse(sessionStorage.getItem(key) ?? '{}') as Record<string, { returnTo: string }>;
    (all[state] as { returnTo: string }).returnTo = '//evil.example/';
    sessionStorage.setItem(key, JSON.stringify(all));
    const error = await failure(client.handleCallback(url));
    expect(error.code).toBe('invalid_return_to');
    expect(fake.calls.token).toHaveLength(0);
  });

  it('refuses an expired pending login (older than 10 minutes)', async () => {
    const { client, state } = await prepared();
    const key = `pkce-auth:${CLIENT_ID}:pending`;
    const all = JSON.parse(sessionStorage.getItem(key) ?? '{}') as Record<string, { createdAt: number }>;
    (all[state] as { createdAt: number }).createdAt -= 11 * 60_000;
    sessionStorage.setItem(key, JSON.stringify(all));
    const error = await failure(client.handleCallback(`${REDIRECT_URI}?code=c&state=${state}&iss=${iss}`));
    expect(error.code).toBe('state_mismatch');
  });

  const hostile: [string, string, () => Response][] = [
    ['a body that is not JSON', 'invalid_token_response', () => new Response('<html>oops</html>', { status: 200, headers: { 'content-type': 'text/html' } })],
    ['JSON that is not an object', 'invalid_token_response', () => json([1, 2])],
    ['no access_token', 'invalid_token_response', () => json({ token_type: 'Bearer', expires_in: 60 })],
    ['an empty access_token', 'invalid_token_response', () => json({ access_token: '', token_type: 'Bearer' })],
    ['token_type mac', 'invalid_token_response', () => json({ access_token: 'a', token_type: 'mac', expires_in: 60 })],
    ['a negative expires_in', 'invalid_token_response', () => json({ access_token: 'a', token_type: 'Bearer', expires_in: -5 })],
    ['a string expires_in', 'invalid_token_response', () => json({ access_token: 'a', token_type: 'Bearer', expires_in: '3600' })],
    ['an RFC 6749 §5.2 error body', 'token_error', () => json({ error: 'invalid_grant', error_description: 'code expired' }, 400)],
    ['a 503 without a body', 'network_error', () => new Response(null, { status: 503 })],
  ];
  it.each(hostile)('a token response with %s is %s, pending login deleted, no session', async (_what, code, response) => {
    const { client, url } = await prepared({ codeResponse: response });
    const error = await failure(client.handleCallback(url));
    expect(error.code).toBe(code);
    expect(pendingCount()).toBe(0);
    expect(client.getState()).toMatchObject({ status: 'error', tokens: null, user: null });
    expect(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:session`)).toBeNull();
  });

  it('keeps error details of a token_error', async () => {
    const { client, url } = await prepared({ codeResponse: () => json({ error: 'invalid_grant', error_description: 'code expired' }, 400) });
    expect(await failure(client.handleCallback(url))).toMatchObject({ error: 'invalid_grant', errorDescription: 'code expired', status: 400 });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const badIdTokens: [string, (nonce: string) => Record<string, unknown>][] = [
    ['the wrong aud', (nonce) => ({ nonce, aud: 'someone-else' })],
    ['the wrong iss', (nonce) => ({ nonce, iss: 'https://evil.example' })],
    ['the wrong nonce', () => ({ nonce: 'not-the-nonce' })],
    ['no nonce', () => ({})],
    ['an expired exp', (nonce) => ({ nonce, exp: now() - 3600, iat: now() - 7200 })],
    ['several audiences and no azp', (nonce) => ({ nonce, aud: [CLIENT_ID, 'other'] })],
    ['several audiences and a foreign azp', (nonce) => ({ nonce, aud: [CLIENT_ID, 'other'], azp: 'other' })],
  ];
  it.each(badIdTokens)('an ID token with %s is invalid_id_token', async (_what, claims) => {
    let nonce = '';
    const { client, url, params } = await prepared({
      codeResponse: () => json({ access_token: 'a', token_type: 'Bearer', expires_in: 60, id_token: idToken(claims(nonce)) }),
    });
    nonce = params.get('nonce') as string;
    const error = await failure(client.handleCallback(url));
    expect(error.code).toBe('invalid_id_token');
    expect(client.getState().user).toBeNull();
  });

  it('requires an ID token when openid was asked for', async () => {
    const { client, url } = await prepared({ codeResponse: () => json({ access_token: 'a', token_type: 'Bearer', expires_in: 60 }) });
    expect((await failure(client.handleCallback(url))).code).toMatch(/invalid_(token_response|id_token)/);
  });

  it('turns an unreachable token endpoint into network_error, never spending the code twice', async () => {
    const { client, url } = await prepared();
    let attempts = 0;
    server.use(
      http.post(TOKEN_ENDPOINT, () => {
        attempts++;
        return HttpResponse.error();
      }),
    );
    expect((await failure(client.handleCallback(url))).code).toBe('network_error');
    await failure(client.handleCallback(url));
    expect(attempts).toBe(1);
  });

  it('a later successful login clears the error state', async () => {
    const { fake, client, navigations } = await prepared();
    await failure(client.handleCallback(`${REDIRECT_URI}?code=x&state=forged&iss=${iss}`));
    const params = await startLogin(client, navigations, '/');
    expect(client.getState().error).toBeNull();
    fake.state.nonce = params.get('nonce') ?? undefined;
    await client.handleCallback(`${REDIRECT_URI}?code=y&state=${params.get('state')}&iss=${iss}`);
    expect(client.getState()).toMatchObject({ status: 'authenticated', error: null });
  });
});

describe('a failed callback says where its login was to land', () => {
  it('access_denied and a refused code carry the login’s returnTo (for "Try again"); a forged state carries none', async () => {
    fakeServer({ codeResponse: () => json({ error: 'invalid_grant' }, 400) });
    const { client, navigations } = makeClient();
    const denied = await startLogin(client, navigations, '/notes?tab=2');
    const refusal = await client.handleCallback(`${REDIRECT_URI}?error=access_denied&state=${denied.get('state')}&iss=${iss}`).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'authorization_error', error: 'access_denied', returnTo: '/notes?tab=2' });
    const spent = await startLogin(client, navigations, '/tags');
    const refused = await client.handleCallback(`${REDIRECT_URI}?code=c1&state=${spent.get('state')}&iss=${iss}`).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'token_error', error: 'invalid_grant', returnTo: '/tags' });
    expect(client.getState().error).toBe(refused);
    const forged = await client.handleCallback(`${REDIRECT_URI}?error=access_denied&state=forged&iss=${iss}`).catch((e: unknown) => e);
    expect(forged).toMatchObject({ code: 'state_mismatch' });
    expect((forged as AuthError).returnTo).toBeUndefined();
  });
});
