import { describe, expect, it } from 'vitest';
import { APP, CLIENT_ID, fakeServer, ISSUER, makeClient, REDIRECT_URI, startLogin } from './fixtures.js';
import { createCodeChallenge } from '../pkce.js';

describe('login()', () => {
  it('redirects to the authorization endpoint with PKCE S256, state, nonce and space-separated scope', async () => {
    const fake = fakeServer();
    const { client, navigations } = makeClient({ authorizeParams: { resource: 'https://api.example' } });
    const params = await startLogin(client, navigations, '/notes');
    expect(navigations[0]?.startsWith(`${ISSUER}/authorize?`)).toBe(true);
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe(CLIENT_ID);
    expect(params.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(params.get('scope')).toBe('openid profile offline_access');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('resource')).toBe('https://api.example');
    expect(params.get('state')?.length).toBeGreaterThanOrEqual(22); // >= 128 bits of base64url
    expect(params.get('nonce')).toBeTruthy();
    expect(fake.calls.discovery).toBe(1);

    // The pending login sits in sessionStorage, keyed by state, never in localStorage.
    const stored = JSON.parse(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:pending`) ?? '{}') as Record<string, { verifier: string; returnTo: string }>;
    const pending = stored[params.get('state') as string];
    expect(pending?.returnTo).toBe('/notes');
    expect(await createCodeChallenge(pending?.verifier as string)).toBe(params.get('code_challenge'));
    expect(localStorage.length).toBe(0);
  });

  it('discovers once per page and makes a fresh state and verifier per login', async () => {
    const fake = fakeServer();
    const { client, navigations } = makeClient();
    const a = await startLogin(client, navigations);
    const b = await startLogin(client, navigations);
    expect(fake.calls.discovery).toBe(1);
    expect(a.get('state')).not.toBe(b.get('state'));
    expect(a.get('code_challenge')).not.toBe(b.get('code_challenge'));
  });

  it('defaults returnTo to the current path, search and hash', async () => {
    fakeServer();
    window.history.replaceState(null, '', '/notes?page=2#top');
    const { client, navigations } = makeClient();
    const params = await startLogin(client, navigations);
    const stored = JSON.parse(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:pending`) ?? '{}') as Record<string, { returnTo: string }>;
    expect(stored[params.get('state') as string]?.returnTo).toBe('/notes?page=2#top');
    window.history.replaceState(null, '', '/');
  });

  it.each(['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)'])('refuses returnTo %j before any request', async (returnTo) => {
    const fake = fakeServer();
    const { client, navigations } = makeClient();
    await expect(client.login({ returnTo })).rejects.toMatchObject({ code: 'invalid_return_to' });
    expect(navigations).toHaveLength(0);
    expect(fake.calls.discovery).toBe(0);
  });

  it('accepts an absolute URL of its own origin and stores it as a path', async () => {
    fakeServer();
    const { client, navigations } = makeClient();
    const params = await startLogin(client, navigations, `${APP}/profile?x=1`);
    const stored = JSON.parse(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:pending`) ?? '{}') as Record<string, { returnTo: string }>;
    expect(stored[params.get('state') as string]?.returnTo).toBe('/profile?x=1');
  });

  it('uses explicit endpoints with no discovery request', async () => {
    const { client, navigations } = makeClient({ endpoints: { authorization: `${ISSUER}/oauth2/authorize`, token: `${ISSUER}/oauth2/token` } });
    await client.login({ returnTo: '/' });
    expect(navigations[0]?.startsWith(`${ISSUER}/oauth2/authorize?`)).toBe(true);
  });

  it('fails with issuer_mismatch when the discovery issuer differs', async () => {
    fakeServer({ discovery: { issuer: 'https://other.example.com' } });
    const { client } = makeClient();
    await expect(client.login({ returnTo: '/' })).rejects.toMatchObject({ code: 'issuer_mismatch' });
  });

  it('fails with discovery_failed when the server does not support S256', async () => {
    fakeServer({ discovery: { code_challenge_methods_supported: ['plain'] } });
    const { client } = makeClient();
    await expect(client.login({ returnTo: '/' })).rejects.toMatchObject({ code: 'discovery_failed' });
  });

  it('fails with discovery_failed when metadata points at plain http on a public host', async () => {
    fakeServer({ discovery: { token_endpoint: 'http://auth.example.com/token' } });
    const { client } = makeClient();
    await expect(client.login({ returnTo: '/' })).rejects.toMatchObject({ code: 'discovery_failed' });
  });
});
