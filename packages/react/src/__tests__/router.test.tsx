// @pkce-auth/react/router in a real data router (createMemoryRouter + RouterProvider, StrictMode)
// against the real core, the authorization server mocked at the fetch boundary.
import { act, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider, useLoaderData, useRouteError, type LoaderFunctionArgs } from 'react-router';
import { describe, expect, it } from 'vitest';
import { AuthError, isAuthError, type AuthClient } from '@pkce-auth/core';
import { callbackLoader, requireAuth } from '../router.js';
import { renderStrict } from './helpers.js';
import { arriveAtCallback, installRealCore, makeClient, tokenEndpoint } from './realCore.js';

installRealCore();

function ShowError() {
  const error = useRouteError();
  return <p>route error {isAuthError(error) ? `${error.code} ${error.error ?? ''}` : String(error)}</p>;
}

function Notes() {
  return <p>notes: {String(useLoaderData())}</p>;
}

/** The app's routes: the callback, a guarded page with data, a guarded page without. */
function routes(client: AuthClient, loads: string[] = []) {
  return [
    { path: '/', element: <p>home</p> },
    { path: '/callback', loader: callbackLoader(client), element: <p>popup done</p>, errorElement: <ShowError />, HydrateFallback: () => <p>checking</p> },
    {
      path: '/notes',
      loader: requireAuth(client, ({ request }) => {
        loads.push(new URL(request.url).search);
        return 'three notes';
      }),
      element: <Notes />,
      errorElement: <ShowError />,
      HydrateFallback: () => <p>checking</p>,
    },
    { path: '/profile', loader: requireAuth(client), element: <p>profile</p>, HydrateFallback: () => <p>checking</p> },
  ];
}

/** What React Router passes a loader for a GET of `path`. */
function loaderArgs(path: string, pattern: string): LoaderFunctionArgs {
  const url = new URL(path, window.location.origin);
  return { request: new Request(url), url, pattern, params: {}, context: {} };
}

const flush = () => act(() => new Promise((resolve) => setTimeout(resolve, 20)));

describe('callbackLoader', () => {
  it('exchanges the code once under StrictMode and revalidation, then replaces the URL with returnTo', async () => {
    const token = tokenEndpoint();
    const { client, nonce, state } = await arriveAtCallback('/notes?x=1', (s) => `code=abc&state=${s}`);
    token.setNonce(nonce);
    const router = createMemoryRouter(routes(client), { initialEntries: ['/', `/callback?code=abc&state=${state}`], initialIndex: 1 });
    renderStrict(<RouterProvider router={router} />, { client });
    await screen.findByText('notes: three notes');
    expect(router.state.location.pathname + router.state.location.search).toBe('/notes?x=1');
    // `replace`: Back goes to the page before the callback, not to the spent callback URL.
    expect(router.state.historyAction).toBe('REPLACE');
    await act(() => router.revalidate());
    expect(token.requests.map((b) => b.get('grant_type'))).toEqual(['authorization_code']);
    expect(client.getState().status).toBe('authenticated');
  });

  it('a second run of the loader for the same callback URL (revalidation) sends no second token request', async () => {
    const token = tokenEndpoint();
    const { client, nonce, state } = await arriveAtCallback('/profile', (s) => `code=abc&state=${s}`);
    token.setNonce(nonce);
    const load = callbackLoader(client);
    const args = () => loaderArgs(`/callback?code=abc&state=${state}`, '/callback');
    const [first, second] = await Promise.all([load(args()), load(args())]);
    const third = await load(args());
    for (const response of [first, second, third]) expect((response as Response).headers.get('Location')).toMatch(/^\/(profile)?$/);
    expect(token.requests).toHaveLength(1);
  });

  it('throws the AuthError to the errorElement for error=access_denied, with no token request', async () => {
    const token = tokenEndpoint();
    const { client, state } = await arriveAtCallback('/', (s) => `error=access_denied&state=${s}`);
    const router = createMemoryRouter(routes(client), { initialEntries: [`/callback?error=access_denied&state=${state}`] });
    renderStrict(<RouterProvider router={router} />, { client });
    expect(await screen.findByText('route error authorization_error access_denied')).toBeTruthy();
    expect(token.requests).toHaveLength(0);
  });
});

describe('requireAuth', () => {
  it('unauthenticated: starts one login for the requested path + search and never renders the route', async () => {
    tokenEndpoint();
    const { client, navigations } = makeClient();
    const router = createMemoryRouter(routes(client), { initialEntries: ['/notes?tab=all'] });
    renderStrict(<RouterProvider router={router} />, { client });
    await waitFor(() => expect(navigations).toHaveLength(1));
    await flush();
    expect(navigations).toHaveLength(1);
    expect(screen.queryByText(/notes:|route error/)).toBeNull();
    expect(screen.getByText('checking')).toBeTruthy();
    expect(router.state.navigation.state).toBe('idle');
    expect(JSON.stringify({ ...sessionStorage })).toContain('/notes?tab=all');
    expect(new URL(navigations[0]!).searchParams.get('code_challenge_method')).toBe('S256');
  });

  it('concurrent guards of one navigation share one login', async () => {
    tokenEndpoint();
    const { client, navigations } = makeClient();
    const guard = requireAuth(client);
    void guard(loaderArgs('/a', '/a'));
    void guard(loaderArgs('/a', '/a'));
    await waitFor(() => expect(navigations).toHaveLength(1));
    await flush();
    expect(navigations).toHaveLength(1);
  });

  it('authenticated: returns the loader data for useLoaderData()', async () => {
    const token = tokenEndpoint();
    const { client, nonce } = await arriveAtCallback('/', (s) => `code=abc&state=${s}`);
    token.setNonce(nonce);
    await client.handleCallback();
    const loads: string[] = [];
    const router = createMemoryRouter(routes(client, loads), { initialEntries: ['/notes?x=2'] });
    renderStrict(<RouterProvider router={router} />, { client });
    expect(await screen.findByText('notes: three notes')).toBeTruthy();
    expect(loads).toEqual(['?x=2']);
  });

  it('loading (a callback completing): waits, then returns the loader data without a login', async () => {
    const token = tokenEndpoint();
    const { client, nonce, navigations } = await arriveAtCallback('/', (s) => `code=abc&state=${s}`);
    token.setNonce(nonce);
    expect(client.getState().status).toBe('loading');
    const router = createMemoryRouter(routes(client), { initialEntries: ['/notes'] });
    renderStrict(<RouterProvider router={router} />, { client });
    expect(screen.getByText('checking')).toBeTruthy();
    await act(() => client.handleCallback());
    expect(await screen.findByText('notes: three notes')).toBeTruthy();
    expect(navigations).toHaveLength(0);
  });

  it('error (a failed callback): throws the error to the errorElement and starts no login', async () => {
    tokenEndpoint();
    const { client, navigations } = await arriveAtCallback('/', (s) => `error=access_denied&state=${s}`);
    await client.handleCallback().catch(() => {});
    const router = createMemoryRouter(routes(client), { initialEntries: ['/notes'] });
    renderStrict(<RouterProvider router={router} />, { client });
    expect(await screen.findByText('route error authorization_error access_denied')).toBeTruthy();
    await flush();
    expect(navigations).toHaveLength(0);
  });

  it('a login that cannot start is thrown to the errorElement', async () => {
    const { client } = makeClient();
    const failing: AuthClient = { ...client, getState: () => client.getState(), login: () => Promise.reject(new AuthError('discovery_failed', 'down')) };
    const router = createMemoryRouter(routes(failing), { initialEntries: ['/notes'] });
    renderStrict(<RouterProvider router={router} />, { client });
    expect(await screen.findByText('route error discovery_failed')).toBeTruthy();
  });
});
