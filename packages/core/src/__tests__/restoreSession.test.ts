// restoreSession(): one top-level prompt=none round trip per tab session, back to the same page;
// "no session at the server" ends unauthenticated without an error, and never loops. Each
// "reload" is a fresh client on the same sessionStorage, as after a navigation.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthError } from '../errors.js';
import { CLIENT_ID, fakeServer, ISSUER, makeClient, REDIRECT_URI, signIn } from './fixtures.js';

const iss = encodeURIComponent(ISSUER);
const pendingCount = (): number => Object.keys(JSON.parse(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:pending`) ?? '{}') as object).length;

afterEach(() => history.replaceState(null, '', '/'));

/** A page load at `path` that calls restoreSession(); the authorization URL when it navigated. */
async function loadAndRestore(path = '/notes?x=1#top') {
  history.replaceState(null, '', path);
  const { client, navigations } = makeClient();
  let settled = false;
  const restoring = client.restoreSession().then(() => void (settled = true));
  await Promise.race([restoring, vi.waitUntil(() => navigations.length > 0)]);
  await new Promise((resolve) => setTimeout(resolve, 0));
  // Resolved at once when nothing was tried; never once it navigated (the page is leaving).
  expect(settled).toBe(navigations.length === 0);
  const url = navigations[0];
  return { client, navigations, params: url ? new URL(url).searchParams : undefined };
}

/** The redirect URI page after a restore: a fresh client completing the callback. */
async function callbackPage(query: string) {
  history.replaceState(null, '', `/callback?${query}`);
  const { client } = makeClient();
  const result = await client.handleCallback(`${REDIRECT_URI}?${query}&iss=${iss}`).catch((e: unknown) => e);
  return { client, result };
}

describe('restoreSession()', () => {
  it('without a local session: one prompt=none redirect, marked before leaving, back to the same page', async () => {
    const fake = fakeServer();
    const { navigations, params } = await loadAndRestore();
    expect(navigations).toHaveLength(1);
    expect(params?.get('prompt')).toBe('none');
    expect(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:restore-tried`)).not.toBeNull();
    fake.state.nonce = params?.get('nonce') ?? undefined;
    const { client, result } = await callbackPage(`code=c1&state=${params?.get('state')}`);
    expect(result).toEqual({ returnTo: '/notes?x=1#top' });
    expect(client.getState()).toMatchObject({ status: 'authenticated', error: null });
    expect(fake.calls.token).toHaveLength(1);
  });

  it.each(['login_required', 'interaction_required', 'consent_required', 'account_selection_required'])(
    '%s ends as unauthenticated with no error, back on the same page',
    async (error) => {
      fakeServer();
      const { params } = await loadAndRestore();
      const { client, result } = await callbackPage(`error=${error}&state=${params?.get('state')}`);
      expect(result).toEqual({ returnTo: '/notes?x=1#top' });
      expect(client.getState()).toMatchObject({ status: 'unauthenticated', error: null, user: null });
      expect(pendingCount()).toBe(0);
    },
  );

  it('other errors stay errors (access_denied)', async () => {
    fakeServer();
    const { params } = await loadAndRestore();
    const { client, result } = await callbackPage(`error=access_denied&state=${params?.get('state')}`);
    expect(result).toBeInstanceOf(AuthError);
    expect(client.getState().status).toBe('error');
  });

  it('login_required after a normal login() is still an error', async () => {
    fakeServer();
    const { client, navigations } = makeClient();
    await client.login();
    const state = new URL(navigations[0] as string).searchParams.get('state');
    const page = await callbackPage(`error=login_required&state=${state}`);
    expect((page.result as AuthError).code).toBe('authorization_error');
    expect(page.client.getState().status).toBe('error');
  });

  it('a forged restore callback (unknown state) is still state_mismatch', async () => {
    fakeServer();
    await loadAndRestore();
    const { result } = await callbackPage('error=login_required&state=forged');
    expect((result as AuthError).code).toBe('state_mismatch');
  });

  it('never loops: a server that always answers login_required gets exactly one redirect over many reloads', async () => {
    fakeServer();
    let redirects = 0;
    for (let reload = 0; reload < 5; reload++) {
      const { navigations, params } = await loadAndRestore();
      redirects += navigations.length;
      if (params) await callbackPage(`error=login_required&state=${params.get('state')}`);
    }
    expect(redirects).toBe(1);
  });

  it('after a sign-out in this tab (local, or a server logout that was skipped) it does not sign the person back in', async () => {
    const fake = fakeServer();
    const first = makeClient();
    await signIn(first.client, first.navigations, fake);
    await first.client.logout({ localOnly: true });
    first.client.destroy();
    const { navigations } = await loadAndRestore('/');
    expect(navigations).toEqual([]);
  });

  it('resolves at once, without navigating, when there is a local session', async () => {
    const fake = fakeServer();
    const first = makeClient();
    await signIn(first.client, first.navigations, fake);
    const { navigations } = await loadAndRestore();
    expect(navigations).toEqual([]);
    expect(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:restore-tried`)).toBeNull();
  });

  it('tries nothing where sessionStorage refuses the marker', async () => {
    fakeServer();
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    try {
      const { navigations } = await loadAndRestore();
      expect(navigations).toEqual([]);
    } finally {
      Storage.prototype.setItem = setItem;
    }
  });
});
