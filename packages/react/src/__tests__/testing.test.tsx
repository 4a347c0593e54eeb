// A sample of how an app tests its own components with @pkce-auth/react/testing.
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { isAuthError } from '@pkce-auth/core';
import { useAuth } from '../useAuth.js';
import { createMockAuthClient, defaultMockUser, MockAuthProvider } from '../testing.js';
import { renderStrict } from './helpers.js';

function Profile() {
  const user = useAuth((s) => s.user);
  const { login, logout } = useAuth();
  if (!user) return <button onClick={() => void login()}>Log in</button>;
  return (
    <p>
      Hello, {String(user.name)} <button onClick={() => void logout()}>Log out</button>
    </p>
  );
}

describe('consumer test with the mock kit', () => {
  it('shows the name of a signed-in user', () => {
    const client = createMockAuthClient({ user: { sub: 'u1', name: 'Ada Lovelace' } });
    renderStrict(<Profile />, { client });
    expect(screen.getByText(/Hello, Ada Lovelace/)).toBeTruthy();
  });

  it('the Login button calls login once, which signs in as the default user; Log out signs out', async () => {
    const client = createMockAuthClient();
    renderStrict(<Profile />, { client });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Log in' })));
    expect(client.calls.login.length).toBe(1);
    expect(screen.getByText(`Hello, ${String(defaultMockUser.name)}`, { exact: false })).toBeTruthy();

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Log out' })));
    expect(client.calls.logout.length).toBe(1);
    expect(screen.getByRole('button', { name: 'Log in' })).toBeTruthy();
  });

  it('<MockAuthProvider initialState> makes its own client', () => {
    render(
      <MockAuthProvider initialState={{ user: { sub: 'u2', name: 'Grace' } }}>
        <Profile />
      </MockAuthProvider>,
    );
    expect(screen.getByText(/Hello, Grace/)).toBeTruthy();
  });
});

describe('createMockAuthClient', () => {
  it('starts unauthenticated; user or accessToken make it authenticated', () => {
    expect(createMockAuthClient().getState()).toEqual({ status: 'unauthenticated', user: null, tokens: null, error: null });
    const withToken = createMockAuthClient({ accessToken: 'tok' }).getState();
    expect(withToken.status).toBe('authenticated');
    expect(withToken.tokens?.accessToken).toBe('tok');
    expect(withToken.user).toEqual(defaultMockUser);
  });

  it('changes snapshot identity only on a change, and notifies subscribers', () => {
    const client = createMockAuthClient();
    const first = client.getState();
    expect(client.getState()).toBe(first);
    let notified = 0;
    const off = client.subscribe(() => notified++);
    client.setState({ status: 'loading' });
    expect(client.getState()).not.toBe(first);
    expect(notified).toBe(1);
    off();
    client.signIn();
    expect(notified).toBe(1);
  });

  it('getAccessToken rejects login_required when signed out and resolves the token when signed in', async () => {
    const client = createMockAuthClient();
    const error = await client.getAccessToken().catch((e: unknown) => e);
    expect(isAuthError(error, 'login_required')).toBe(true);
    client.signIn();
    await expect(client.getAccessToken()).resolves.toBe('mock-access-token');
    expect(client.calls.getAccessToken).toHaveLength(2);
  });

  it('fetch adds the Bearer token and hands the request to the given fetch', async () => {
    const client = createMockAuthClient({
      accessToken: 'tok-1',
      fetch: async (request) => new Response(request.headers.get('Authorization')),
    });
    const response = await client.fetch('/api/notes', { method: 'POST', body: 'x' });
    expect(await response.text()).toBe('Bearer tok-1');
    expect(client.calls.fetch).toHaveLength(1);
    expect(client.calls.fetch[0]?.url).toBe(new URL('/api/notes', window.location.href).href);
    expect(client.calls.fetch[0]?.method).toBe('POST');
  });

  it('signInOnLogin: false records the login and leaves the state alone', async () => {
    const client = createMockAuthClient({ signInOnLogin: false });
    await client.login({ returnTo: '/a' });
    expect(client.calls.login).toEqual([{ returnTo: '/a' }]);
    expect(client.getState().status).toBe('unauthenticated');
  });
  it('loginWithPopup signs in, or with signInOnLogin: false rejects login_cancelled and leaves the state alone', async () => {
    const client = createMockAuthClient();
    await client.loginWithPopup({ params: { prompt: 'login' } });
    expect(client.getState().status).toBe('authenticated');
    const cancelled = createMockAuthClient({ signInOnLogin: false });
    const error = await cancelled.loginWithPopup().catch((e: unknown) => e);
    expect(isAuthError(error, 'login_cancelled')).toBe(true);
    expect(cancelled.getState().status).toBe('unauthenticated');
    expect(cancelled.calls.loginWithPopup).toEqual([undefined]);
  });

  it('restoreSession signs in only with serverSession: true, as a prompt=none answer would', async () => {
    const none = createMockAuthClient();
    await none.restoreSession();
    expect(none.getState()).toMatchObject({ status: 'unauthenticated', error: null });
    const some = createMockAuthClient({ serverSession: true });
    await some.restoreSession();
    expect(some.getState().status).toBe('authenticated');
    expect(some.calls.restoreSession).toHaveLength(1);
  });
});
