import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthError, createAuthClient } from '@pkce-auth/core';
import { RequireAuth } from '../RequireAuth.js';
import { createMockAuthClient } from '../testing.js';
import { renderStrict } from './helpers.js';

const flush = () => act(async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
});

beforeEach(() => {
  window.history.replaceState(null, '', '/notes/7?tab=all#top');
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('<RequireAuth>', () => {
  it('renders the children when authenticated and starts no login', async () => {
    const client = createMockAuthClient({ user: { sub: 'u1' } });
    renderStrict(<RequireAuth fallback={<p>wait</p>}><p>secret</p></RequireAuth>, { client });
    await flush();
    expect(screen.getByText('secret')).toBeTruthy();
    expect(client.calls.login).toHaveLength(0);
  });

  it('when unauthenticated starts exactly one login returning to the current location, showing the fallback', async () => {
    const client = createMockAuthClient({ signInOnLogin: false });
    renderStrict(<RequireAuth fallback={<p>redirecting</p>}><p>secret</p></RequireAuth>, { client });
    await flush();
    expect(screen.getByText('redirecting')).toBeTruthy();
    expect(screen.queryByText('secret')).toBeNull();
    expect(client.calls.login).toEqual([{ returnTo: '/notes/7?tab=all#top' }]);
  });

  it('shows the children once the login signs in (mock login flips state), still one login', async () => {
    const client = createMockAuthClient();
    renderStrict(<RequireAuth><p>secret</p></RequireAuth>, { client });
    await flush();
    expect(screen.getByText('secret')).toBeTruthy();
    expect(client.calls.login).toHaveLength(1);
  });

  it('starts one login for sibling guards on the same page (the core client’s login is single-flight)', async () => {
    const navigations: string[] = [];
    const client = createAuthClient({
      clientId: 'notes-spa',
      redirectUri: 'http://localhost:3000/callback',
      endpoints: { authorization: 'https://auth.example.com/authorize', token: 'https://auth.example.com/token' },
      scope: 'notes:read',
      navigate: (url) => void navigations.push(url),
    });
    renderStrict(
      <>
        <RequireAuth><p>a</p></RequireAuth>
        <RequireAuth><p>b</p></RequireAuth>
      </>,
      { client },
    );
    // The PKCE challenge is computed with WebCrypto: wait for the redirect, then for any other.
    await vi.waitFor(() => expect(navigations.length).toBeGreaterThan(0));
    await flush();
    expect(navigations).toHaveLength(1);
    expect(new URL(navigations[0] as string).searchParams.get('state')).toBeTruthy();
    client.destroy();
  });

  it('merges loginOptions over the default returnTo', async () => {
    const client = createMockAuthClient({ signInOnLogin: false });
    renderStrict(
      <RequireAuth loginOptions={{ params: { prompt: 'login' } }}><p>secret</p></RequireAuth>,
      { client },
    );
    await flush();
    expect(client.calls.login).toEqual([{ returnTo: '/notes/7?tab=all#top', params: { prompt: 'login' } }]);
  });

  it('in the error state renders errorFallback and never calls login', async () => {
    const client = createMockAuthClient({
      status: 'error',
      error: new AuthError('state_mismatch', 'No pending login matches this callback.'),
    });
    renderStrict(
      <RequireAuth fallback={<p>wait</p>} errorFallback={(e) => <p>error {e.code}</p>}>
        <p>secret</p>
      </RequireAuth>,
      { client },
    );
    await flush();
    expect(screen.getByText('error state_mismatch')).toBeTruthy();
    expect(client.calls.login).toHaveLength(0);
    // Still no login after further state changes that stay in `error`.
    act(() => client.setState({ error: new AuthError('network_error', 'Offline.') }));
    await flush();
    expect(screen.getByText('error network_error')).toBeTruthy();
    expect(client.calls.login).toHaveLength(0);
  });

  it('renders a node errorFallback, and the default one logs in only when "Try again" is clicked', async () => {
    const error = new AuthError('authorization_error', 'Access was denied.', { error: 'access_denied' });
    const client = createMockAuthClient({ status: 'error', error, signInOnLogin: false });
    const view = renderStrict(<RequireAuth errorFallback={<p>oops</p>}><p>secret</p></RequireAuth>, { client });
    expect(screen.getByText('oops')).toBeTruthy();
    view.unmount();

    renderStrict(<RequireAuth><p>secret</p></RequireAuth>, { client });
    await flush();
    expect(screen.getByRole('alert').textContent).toBe('You cancelled sign-in.authorization_error (access_denied)Try again');
    expect(screen.getByRole('alert').dataset.authError).toBe('authorization_error');
    expect(client.calls.login).toHaveLength(0);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Try again' })));
    expect(client.calls.login).toEqual([{ returnTo: '/notes/7?tab=all#top' }]);
  });

  it('renders the fallback while loading and starts no login', async () => {
    const client = createMockAuthClient({ status: 'loading' });
    renderStrict(<RequireAuth fallback={<p>loading</p>}><p>secret</p></RequireAuth>, { client });
    await flush();
    expect(screen.getByText('loading')).toBeTruthy();
    expect(client.calls.login).toHaveLength(0);
  });

  it('shows a failed login in errorFallback instead of retrying it', async () => {
    const client = createMockAuthClient();
    let attempts = 0;
    client.login = async () => {
      attempts++;
      throw new AuthError('discovery_failed', 'The issuer could not be reached.');
    };
    renderStrict(<RequireAuth errorFallback={(e) => <p>failed {e.code}</p>}><p>secret</p></RequireAuth>, { client });
    await flush();
    expect(screen.getByText('failed discovery_failed')).toBeTruthy();
    await flush();
    expect(attempts).toBe(1);
  });

  it('starts a new login after a session ends on a guarded page', async () => {
    const client = createMockAuthClient({ user: { sub: 'u1' }, signInOnLogin: false });
    renderStrict(<RequireAuth><p>secret</p></RequireAuth>, { client });
    await flush();
    expect(client.calls.login).toHaveLength(0);
    act(() => client.signOut());
    await flush();
    expect(client.calls.login).toHaveLength(1);
  });
});
