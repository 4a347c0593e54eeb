import { describe, expect, it } from 'vitest';
import { clearDiscoveryCache } from '../protocol/discovery.js';
import { fakeServer, idToken, ISSUER, json, makeClient, REDIRECT_URI, startLogin } from './fixtures.js';

/** Signs in with an ID token made by `claims`/`header`, against a server whose metadata is `discovery`. */
async function callbackWith(opts: {
  discovery?: Record<string, unknown>;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  client?: Parameters<typeof makeClient>[0];
  params?: Record<string, string>;
}) {
  const sent: { nonce?: string | undefined } = {};
  clearDiscoveryCache();
  fakeServer({
    discovery: opts.discovery ?? {},
    codeResponse: () => json({ access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: idToken({ nonce: sent.nonce, ...opts.claims }, opts.header) }),
  });
  const { client, navigations } = makeClient({ autoRefresh: false, ...opts.client });
  await client.login({ returnTo: '/', ...(opts.params ? { params: opts.params } : {}) });
  const params = new URL(navigations.at(-1) as string).searchParams;
  sent.nonce = params.get('nonce') ?? undefined;
  const result = client.handleCallback(`${REDIRECT_URI}?code=c&state=${params.get('state')}&iss=${encodeURIComponent(ISSUER)}`);
  return { client, result, params };
}

describe('ID token signing algorithms', () => {
  it('accepts ES256 and PS256 when the metadata lists them', async () => {
    for (const alg of ['ES256', 'PS256']) {
      const { result } = await callbackWith({ discovery: { id_token_signing_alg_values_supported: ['RS256', alg] }, header: { alg } });
      await expect(result, alg).resolves.toEqual({ returnTo: '/' });
    }
  });

  it('refuses an algorithm the metadata does not list (invalid_id_token)', async () => {
    const { result } = await callbackWith({ discovery: { id_token_signing_alg_values_supported: ['ES256'] }, header: { alg: 'RS256' } });
    await expect(result).rejects.toMatchObject({ code: 'invalid_id_token' });
  });

  it('without the metadata list, RS256 only', async () => {
    const { result } = await callbackWith({ header: { alg: 'ES256' } });
    await expect(result).rejects.toMatchObject({ code: 'invalid_id_token' });
  });

  it('idTokenSigningAlg overrides the metadata', async () => {
    const ok = await callbackWith({ discovery: { id_token_signing_alg_values_supported: ['RS256'] }, header: { alg: 'EdDSA' }, client: { idTokenSigningAlg: 'EdDSA' } });
    await expect(ok.result).resolves.toEqual({ returnTo: '/' });
    const refused = await callbackWith({ discovery: { id_token_signing_alg_values_supported: ['RS256', 'ES256'] }, header: { alg: 'RS256' }, client: { idTokenSigningAlg: 'ES256' } });
    await expect(refused.result).rejects.toMatchObject({ code: 'invalid_id_token' });
  });

  it('refuses an idTokenSigningAlg that is not a name', () => {
    expect(() => makeClient({ idTokenSigningAlg: '' })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});

describe('max_age is enforced on auth_time', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts a recent authentication', async () => {
    const { result, params } = await callbackWith({ params: { max_age: '60' }, claims: { auth_time: now() - 10 } });
    expect(params.get('max_age')).toBe('60');
    await expect(result).resolves.toEqual({ returnTo: '/' });
  });

  it('refuses an authentication older than max_age, from login params or authorizeParams', async () => {
    const fromLogin = await callbackWith({ params: { max_age: '60' }, claims: { auth_time: now() - 600 } });
    await expect(fromLogin.result).rejects.toMatchObject({ code: 'invalid_id_token' });
    const fromConfig = await callbackWith({ client: { authorizeParams: { max_age: '0' } }, claims: { auth_time: now() - 600 } });
    await expect(fromConfig.result).rejects.toMatchObject({ code: 'invalid_id_token' });
  });

  it('refuses an ID token without auth_time when max_age was sent', async () => {
    const { result } = await callbackWith({ params: { max_age: '60' } });
    await expect(result).rejects.toMatchObject({ code: 'invalid_id_token' });
  });

  it('refuses a max_age that is not whole seconds before navigating', async () => {
    fakeServer();
    const { client, navigations } = makeClient();
    await expect(client.login({ params: { max_age: '1h' } })).rejects.toMatchObject({ code: 'invalid_config' });
    expect(navigations).toEqual([]);
  });
});

describe('login() is single-flight', () => {
  it('concurrent calls start one redirect and one pending login', async () => {
    fakeServer();
    const { client, navigations } = makeClient();
    await Promise.all([client.login({ returnTo: '/a' }), client.login({ returnTo: '/b' }), client.login()]);
    expect(navigations).toHaveLength(1);
    expect(Object.keys(JSON.parse(sessionStorage.getItem('pkce-auth:notes-spa:pending') ?? '{}'))).toHaveLength(1);
    // Once settled, a later login starts a new one.
    await startLogin(client, navigations, '/c');
    expect(navigations).toHaveLength(2);
  });
});
