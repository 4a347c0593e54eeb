import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { CLIENT_ID, fakeServer, ISSUER, makeClient, signIn } from './fixtures.js';
import { server } from './msw.js';

async function signedIn(clientOpts: Parameters<typeof makeClient>[0] = {}, serverOpts: Parameters<typeof fakeServer>[0] = {}) {
  const fake = fakeServer(serverOpts);
  const made = makeClient({ autoRefresh: false, postLogoutRedirectUri: 'http://localhost:3000/', ...clientOpts });
  await signIn(made.client, made.navigations, fake);
  return { fake, ...made };
}

describe('logout() with stricter and sloppier servers', () => {
  it('sends `state` to the end-session endpoint when given (RP-Initiated Logout 1.0 §2), and only then', async () => {
    const { client, navigations } = await signedIn();
    await client.logout({ state: 'after-logout-7' });
    expect(new URL(navigations.at(-1) as string).searchParams.get('state')).toBe('after-logout-7');
    const second = await signedIn();
    await second.client.logout();
    expect(new URL(second.navigations.at(-1) as string).searchParams.has('state')).toBe(false);
  });

  it('a revocation refused with a bare 401 is revocation_refused, not a malformed answer', async () => {
    const { client } = await signedIn();
    server.use(http.post(`${ISSUER}/revoke`, () => new HttpResponse(null, { status: 401 })));
    await client.logout();
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', error: { code: 'revocation_refused', status: 401 } });
    expect(client.getState().error?.message).toMatch(/did not revoke.*refused this client \(HTTP 401/);
  });

  it('the warning survives the navigation to end-session: the next page shows it once', async () => {
    const { client, navigations } = await signedIn();
    server.use(http.post(`${ISSUER}/revoke`, () => new HttpResponse(null, { status: 401 })));
    await client.logout();
    expect(new URL(navigations.at(-1) as string).pathname).toBe('/logout');
    client.destroy();
    // Back from the end-session endpoint: a new page, a new client.
    const back = makeClient().client;
    expect(back.getState()).toMatchObject({ status: 'unauthenticated', error: { code: 'revocation_refused', status: 401 } });
    expect(back.getState().error?.message).toMatch(/did not revoke/);
    back.destroy();
    expect(makeClient().client.getState().error).toBeNull();
  });

  it('a planted warning with a code a logout never reports is dropped', () => {
    sessionStorage.setItem(`pkce-auth:${CLIENT_ID}:logout-warning`, JSON.stringify({ code: 'state_mismatch', message: 'planted' }));
    expect(makeClient().client.getState().error).toBeNull();
    expect(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:logout-warning`)).toBeNull();
  });

  it('logoutUrl replaces the end-session URL; what it returns must be https', async () => {
    const seen: unknown[] = [];
    const { client, navigations } = await signedIn({
      logoutUrl: (ctx) => {
        seen.push(ctx);
        return `https://sso.example.com/bye?to=${encodeURIComponent(ctx.postLogoutRedirectUri ?? '')}`;
      },
    });
    const idToken = client.getState().tokens?.idToken;
    await client.logout({ state: 's1' });
    expect(navigations.at(-1)).toBe('https://sso.example.com/bye?to=http%3A%2F%2Flocalhost%3A3000%2F');
    expect(seen).toEqual([{ idToken, clientId: CLIENT_ID, postLogoutRedirectUri: 'http://localhost:3000/', endSessionEndpoint: `${ISSUER}/logout`, state: 's1' }]);
    const bad = await signedIn({ logoutUrl: () => 'http://sso.example.com/bye' });
    const before = bad.navigations.length;
    await expect(bad.client.logout()).resolves.toBeUndefined();
    expect(bad.navigations).toHaveLength(before);
    expect(bad.client.getState()).toMatchObject({ status: 'unauthenticated', error: { code: 'invalid_config', message: expect.stringMatching(/`logoutUrl` returned/) } });
    const throwing = await signedIn({
      logoutUrl: () => {
        throw new Error('no domain');
      },
    });
    await expect(throwing.client.logout()).resolves.toBeUndefined();
    expect(throwing.client.getState()).toMatchObject({ status: 'unauthenticated', error: { code: 'invalid_config', message: '`logoutUrl` failed: Error: no domain' } });
  });

  it('logoutUrl returning undefined skips the server logout', async () => {
    const { client, navigations, fake } = await signedIn({ logoutUrl: () => undefined });
    const before = navigations.length;
    await client.logout();
    expect(navigations).toHaveLength(before);
    expect(fake.calls.revoke).toHaveLength(1);
  });
});

describe('the options the presets set', () => {
  it('rejects options the presets set when they are malformed', () => {
    expect(() => makeClient({ issuerTemplate: 'https://login.example.com/common/v2.0' })).toThrow(/`issuerTemplate` must be an https URL containing `\{tenantid\}`/);
    expect(() => makeClient({ logoutUrl: 'https://x' as never })).toThrow(/`logoutUrl` must be a function/);
  });
});
