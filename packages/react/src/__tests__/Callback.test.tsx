import { Component, type ReactNode } from 'react';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthError } from '@pkce-auth/core';
import { Callback } from '../Callback.js';
import { createMockAuthClient, type MockAuthClient } from '../testing.js';
import { deferred, expectRenderError, renderStrict } from './helpers.js';

const callbackUrl = '/callback?code=abc&state=s1';

/**
 * A client whose handleCallback records its URLs and, as the AuthClient contract says, shares
 * one exchange for repeated calls; the exchange settles when the test says.
 */
function fakeCallbackClient() {
  const client = createMockAuthClient({ signInOnLogin: false });
  const exchange = deferred<{ returnTo: string }>();
  const urls: Array<string | undefined> = [];
  client.handleCallback = (url) => {
    urls.push(url);
    return exchange.promise;
  };
  return { client, exchange, urls };
}

beforeEach(() => {
  window.history.replaceState(null, '', callbackUrl);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('<Callback>', () => {
  it('hands the current URL to handleCallback and calls onSuccess once under StrictMode', async () => {
    const { client, exchange, urls } = fakeCallbackClient();
    const onSuccess = vi.fn();
    renderStrict(<Callback onSuccess={onSuccess} fallback={<p>Signing you in…</p>} />, { client });
    expect(screen.getByText('Signing you in…')).toBeTruthy();
    expect(new Set(urls)).toEqual(new Set([window.location.href]));

    await act(async () => exchange.resolve({ returnTo: '/notes?x=1#y' }));
    expect(onSuccess).toHaveBeenCalledExactlyOnceWith('/notes?x=1#y');
  });

  it('after an unmount and a remount of the route, only the mounted one calls onSuccess', async () => {
    const { client, exchange } = fakeCallbackClient();
    const first = vi.fn();
    const second = vi.fn();
    renderStrict(<Callback onSuccess={first} />, { client }).unmount();
    renderStrict(<Callback onSuccess={second} />, { client });
    await act(async () => exchange.resolve({ returnTo: '/home' }));
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledExactlyOnceWith('/home');
  });

  it('by default replaces the location with returnTo and fires popstate so a router follows', async () => {
    const { client, exchange } = fakeCallbackClient();
    const replaceState = vi.spyOn(window.history, 'replaceState');
    const popstates: string[] = [];
    const onPop = () => popstates.push(window.location.pathname + window.location.search + window.location.hash);
    window.addEventListener('popstate', onPop);
    try {
      renderStrict(<Callback />, { client });
      await act(async () => exchange.resolve({ returnTo: '/notes?x=1#y' }));
    } finally {
      window.removeEventListener('popstate', onPop);
    }
    expect(replaceState).toHaveBeenCalledExactlyOnceWith(null, '', '/notes?x=1#y');
    expect(popstates).toEqual(['/notes?x=1#y']);
  });

  it('renders a node errorFallback when the callback fails', async () => {
    const { client, exchange } = fakeCallbackClient();
    renderStrict(<Callback errorFallback={<p>It did not work</p>} fallback={<p>working</p>} />, { client });
    await act(async () => exchange.reject(new AuthError('state_mismatch', 'No pending login matches.')));
    expect(screen.getByText('It did not work')).toBeTruthy();
    expect(screen.queryByText('working')).toBeNull();
  });

  it('passes the AuthError to a function errorFallback', async () => {
    const { client, exchange } = fakeCallbackClient();
    renderStrict(
      <Callback errorFallback={(error) => <p>failed: {error.code}/{error.error}</p>} />,
      { client },
    );
    await act(async () =>
      exchange.reject(new AuthError('authorization_error', 'Denied.', { error: 'access_denied' })),
    );
    expect(screen.getByText('failed: authorization_error/access_denied')).toBeTruthy();
  });

  it('shows the code and message by default, and "Try again" starts a login to /', async () => {
    const { client, exchange } = fakeCallbackClient();
    renderStrict(<Callback />, { client });
    await act(async () => exchange.reject(new AuthError('token_error', 'The code was refused.', { error: 'invalid_grant' })));
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('token_error (invalid_grant)');
    expect(alert.textContent).toContain('Sign-in did not complete. The code was refused.');
    expect(client.calls.login).toHaveLength(0);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Try again' })));
    expect(client.calls.login).toEqual([{ returnTo: '/' }]);
  });

  it.each([
    [new AuthError('authorization_error', 'Denied.', { error: 'access_denied' }), 'You cancelled sign-in.', 'authorization_error (access_denied)'],
    [new AuthError('authorization_error', 'No session.', { error: 'login_required' }), 'Your sign-in has ended: please sign in again.', 'authorization_error (login_required)'],
    [new AuthError('login_required', 'No session.'), 'Your sign-in has ended: please sign in again.', 'login_required'],
    [new AuthError('network_error', 'fetch failed'), 'The sign-in service could not be reached. Check your connection and try again.', 'network_error'],
    [new AuthError('state_mismatch', 'no login'), 'This sign-in link has expired or was already used.', 'state_mismatch'],
    // A server-chosen `error` that names an Object property finds no words (and breaks nothing).
    [new AuthError('authorization_error', 'Odd.', { error: 'constructor' }), 'Sign-in did not complete. Odd.', 'authorization_error (constructor)'],
  ])('words a person understands for %s, with the code for developers', async (error, words, code) => {
    const { client, exchange } = fakeCallbackClient();
    renderStrict(<Callback />, { client });
    await act(async () => exchange.reject(error));
    const alert = screen.getByRole('alert');
    expect(alert.querySelector('p')?.textContent).toBe(words);
    expect(alert.querySelector('code')?.textContent).toBe(code);
    expect(alert.dataset.authError).toBe(error.code);
  });

  it('after a failure removes the response from the address bar without a reload or a new history entry', async () => {
    window.history.replaceState({ key: 'k1' }, '', '/callback?error=access_denied&state=s1#x');
    const before = window.history.length;
    const { client, exchange } = fakeCallbackClient();
    const popstate = vi.fn();
    window.addEventListener('popstate', popstate);
    renderStrict(<Callback />, { client });
    expect(window.location.search).toBe('?error=access_denied&state=s1');
    await act(async () => exchange.reject(new AuthError('authorization_error', 'Denied.', { error: 'access_denied' })));
    window.removeEventListener('popstate', popstate);
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/callback#x');
    expect(window.history.length).toBe(before);
    expect(window.history.state).toEqual({ key: 'k1' });
    expect(popstate).not.toHaveBeenCalled();
  });

  it('"Try again" keeps the failed login\'s returnTo when the error carries it', async () => {
    const { client, exchange } = fakeCallbackClient();
    renderStrict(<Callback />, { client });
    const error = new AuthError('authorization_error', 'Denied.', { error: 'access_denied', returnTo: '/notes?x=1' });
    await act(async () => exchange.reject(error));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Try again' })));
    expect(client.calls.login).toEqual([{ returnTo: '/notes?x=1' }]);
  });

  it('in the login popup says "you can close this window" and does not navigate', async () => {
    const client = createMockAuthClient({ signInOnLogin: false });
    client.handleCallback = () => Promise.resolve({ returnTo: '/notes', popup: true as const });
    const onSuccess = vi.fn();
    renderStrict(<Callback onSuccess={onSuccess} fallback={<p>Signing you in…</p>} />, { client });
    expect(await screen.findByText('Signed in — you can close this window.')).toBeTruthy();
    expect(onSuccess).not.toHaveBeenCalled();
    expect(window.location.pathname + window.location.search).toBe(callbackUrl);
  });

  it('in the login popup, for an ?error= answer, says sign-in did not finish, not "Signed in"', async () => {
    window.history.replaceState(null, '', '/callback?error=access_denied&state=popup.s1');
    const client = createMockAuthClient({ signInOnLogin: false });
    client.handleCallback = () => Promise.resolve({ returnTo: '/', popup: true as const });
    renderStrict(<Callback />, { client });
    expect(await screen.findByText('Sign-in did not finish — you can close this window.')).toBeTruthy();
    expect(screen.queryByText(/Signed in/)).toBeNull();
  });

  it('hands a failure that is not an AuthError to the nearest error boundary', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { client, exchange } = fakeCallbackClient();
    class Boundary extends Component<{ children: ReactNode }, { error: unknown }> {
      override state = { error: null as unknown };
      static getDerivedStateFromError(error: unknown) {
        return { error };
      }
      override render() {
        return this.state.error ? <p>boundary: {String(this.state.error)}</p> : this.props.children;
      }
    }
    const quiet = expectRenderError();
    try {
      renderStrict(
        <Boundary>
          <Callback />
        </Boundary>,
        { client },
      );
      await act(async () => exchange.reject(new TypeError('bug')));
      await waitFor(() => expect(screen.getByText('boundary: TypeError: bug')).toBeTruthy());
    } finally {
      quiet.restore();
    }
  });

  it('uses the mock client end to end: handleCallback signs in and returns /', async () => {
    const client: MockAuthClient = createMockAuthClient();
    const onSuccess = vi.fn();
    renderStrict(<Callback onSuccess={onSuccess} />, { client });
    await waitFor(() => expect(onSuccess).toHaveBeenCalledWith('/'));
    expect(new Set(client.calls.handleCallback)).toEqual(new Set([window.location.href]));
    expect(onSuccess).toHaveBeenCalledTimes(1);
    expect(client.getState().status).toBe('authenticated');
  });
});
