// <Callback>, <RequireAuth> and useAuth against the real core, with the authorization server
// mocked at the fetch boundary (MSW) and any unexpected request failing the test.
import { Profiler } from 'react';
import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Callback } from '../Callback.js';
import { RequireAuth } from '../RequireAuth.js';
import { useAuth } from '../useAuth.js';
import { renderStrict } from './helpers.js';
import { arriveAtCallback, CLIENT_ID, installRealCore, ISSUER, makeClient, REDIRECT_URI, tokenEndpoint } from './realCore.js';

installRealCore();

describe('<Callback> with the real core', () => {
  it('exchanges the code exactly once under StrictMode and across a remount, then follows returnTo', async () => {
    const token = tokenEndpoint();
    const { client, nonce } = await arriveAtCallback('/notes?x=1#top', (state) => `code=abc&state=${state}`);
    token.setNonce(nonce);
    expect(client.getState().status).toBe('loading');

    const popstate = vi.fn();
    window.addEventListener('popstate', popstate);
    const first = renderStrict(<Callback fallback={<p>Signing you in…</p>} />, { client });
    expect(screen.getByText('Signing you in…')).toBeTruthy();
    first.unmount();
    // The route remounts (e.g. a parent re-keyed it) while the first exchange is in flight.
    renderStrict(<Callback fallback={<p>Signing you in…</p>} />, { client });
    await waitFor(() => expect(window.location.pathname).toBe('/notes'));
    window.removeEventListener('popstate', popstate);

    expect(token.requests).toHaveLength(1);
    const body = token.requests[0]!;
    expect(body.get('grant_type')).toBe('authorization_code');
    expect(body.get('code')).toBe('abc');
    expect(body.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(body.get('client_id')).toBe(CLIENT_ID);
    expect(body.get('code_verifier')).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/notes?x=1#top');
    expect(popstate).toHaveBeenCalledTimes(1);
    expect(client.getState()).toMatchObject({ status: 'authenticated', user: { sub: 'user-1', name: 'Ada Lovelace' } });
  });

  it('renders the function errorFallback for error=access_denied, with no token request', async () => {
    const token = tokenEndpoint();
    const { client } = await arriveAtCallback('/', (state) => `error=access_denied&error_description=nope&state=${state}`);
    renderStrict(<Callback errorFallback={(e) => <p>failed {e.code} {e.error}</p>} />, { client });
    expect(await screen.findByText('failed authorization_error access_denied')).toBeTruthy();
    expect(token.requests).toHaveLength(0);
    expect(client.getState().status).toBe('error');
  });

  it('renders the node errorFallback for a state that matches no pending login, with no token request', async () => {
    const token = tokenEndpoint();
    const { client } = await arriveAtCallback('/', () => 'code=abc&state=forged');
    renderStrict(<Callback errorFallback={<p>could not sign you in</p>} />, { client });
    expect(await screen.findByText('could not sign you in')).toBeTruthy();
    expect(client.getState().error?.code).toBe('state_mismatch');
    expect(token.requests).toHaveLength(0);
  });
});

describe('<RequireAuth> with the real core', () => {
  it('starts one login for the current location, and the callback returns there', async () => {
    const token = tokenEndpoint();
    window.history.replaceState(null, '', '/notes/7?tab=all#top');
    const { client, navigations } = makeClient();
    const view = renderStrict(<RequireAuth fallback={<p>redirecting</p>}><p>secret</p></RequireAuth>, { client });
    await waitFor(() => expect(navigations).toHaveLength(1));
    expect(screen.getByText('redirecting')).toBeTruthy();
    view.unmount();
    const authorize = new URL(navigations[0]!);
    expect(authorize.origin + authorize.pathname).toBe(`${ISSUER}/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');

    // The authorization server redirects back; a new page load makes a new client.
    token.setNonce(authorize.searchParams.get('nonce') ?? undefined);
    window.history.replaceState(null, '', `/callback?code=abc&state=${authorize.searchParams.get('state')}`);
    const { client: afterRedirect } = makeClient();
    const onSuccess = vi.fn();
    renderStrict(<Callback onSuccess={onSuccess} />, { client: afterRedirect });
    await waitFor(() => expect(onSuccess).toHaveBeenCalledExactlyOnceWith('/notes/7?tab=all#top'));
    expect(token.requests).toHaveLength(1);
  });

  it('after a failed callback renders errorFallback and never calls login', async () => {
    tokenEndpoint();
    const { client, navigations } = await arriveAtCallback('/', (state) => `error=access_denied&state=${state}`);
    await client.handleCallback().catch(() => {});
    expect(client.getState().status).toBe('error');
    window.history.replaceState(null, '', '/notes');
    renderStrict(
      <RequireAuth errorFallback={(e) => <p>error {e.code}</p>}><p>secret</p></RequireAuth>,
      { client },
    );
    expect(screen.getByText('error authorization_error')).toBeTruthy();
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    expect(navigations).toHaveLength(0);
  });
});

describe('useAuth with the real core', () => {
  it('across one token refresh, a component reading s.user does not re-render; useAuth() does once', async () => {
    const token = tokenEndpoint();
    const { client, nonce } = await arriveAtCallback('/', (state) => `code=abc&state=${state}`);
    token.setNonce(nonce);
    await client.handleCallback();
    const renders = { whole: 0, user: 0 };
    const commits = { whole: 0, user: 0 };
    function Whole() {
      renders.whole++;
      return <p>token {useAuth().tokens?.accessToken}</p>;
    }
    function UserName() {
      renders.user++;
      return <p>name {String(useAuth((s) => s.user)?.name)}</p>;
    }
    renderStrict(
      <>
        <Profiler id="whole" onRender={() => commits.whole++}><Whole /></Profiler>
        <Profiler id="user" onRender={() => commits.user++}><UserName /></Profiler>
      </>,
      { client },
    );
    expect(screen.getByText('token at-1')).toBeTruthy();
    const mount = { renders: { ...renders }, commits: { ...commits } };

    const userBefore = client.getState().user;
    await act(() => client.refresh());
    expect(screen.getByText('token at-2')).toBeTruthy();
    expect(client.getState().user).toBe(userBefore);
    expect(token.requests.map((b) => b.get('grant_type'))).toEqual(['authorization_code', 'refresh_token']);

    const refresh = {
      renders: { whole: renders.whole - mount.renders.whole, user: renders.user - mount.renders.user },
      commits: { whole: commits.whole - mount.commits.whole, user: commits.user - mount.commits.user },
    };
    console.info('[real core: render counts across one token refresh, StrictMode]', JSON.stringify({ mount, refresh }));
    expect(refresh.renders.user).toBe(0);
    expect(refresh.commits.user).toBe(0);
    expect(refresh.commits.whole).toBe(1);
  });
});
