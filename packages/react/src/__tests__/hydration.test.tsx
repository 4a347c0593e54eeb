import { act, StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthClient } from '@pkce-auth/core';
import { AuthProvider, RequireAuth, useAuth } from '../index.js';

const KEY = 'pkce-auth:notes-spa:session';
// hydrateRoot is used directly here (not through Testing Library), so opt in to act() ourselves.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function Page() {
  const name = useAuth((s) => s.user?.name as string | undefined);
  return (
    <RequireAuth fallback={<span>checking session</span>}>
      <span>hello {name}</span>
    </RequireAuth>
  );
}

afterEach(() => sessionStorage.clear());

describe('hydration after server rendering', () => {
  it('hydrates the server markup without a mismatch, then picks the stored session up without a login', async () => {
    sessionStorage.setItem(
      KEY,
      JSON.stringify({
        v: 2,
        issuer: 'http://localhost:4000',
        clientId: 'notes-spa',
        receivedAt: Date.now(),
        user: { sub: 'u1', name: 'Ada' },
        tokens: { accessToken: 'at', tokenType: 'Bearer', expiresAt: Date.now() + 300_000 },
      }),
    );
    const navigations: string[] = [];
    const client = createAuthClient({
      clientId: 'notes-spa',
      redirectUri: 'http://localhost:3000/callback',
      issuer: 'http://localhost:4000',
      navigate: (url) => void navigations.push(url),
    });
    expect(client.getState().status).toBe('authenticated');
    const app = (
      <StrictMode>
        <AuthProvider client={client}>
          <Page />
        </AuthProvider>
      </StrictMode>
    );
    const container = document.createElement('div');
    container.innerHTML = renderToString(app);
    expect(container.textContent).toBe('checking session');

    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const recoverable: unknown[] = [];
    let root: ReturnType<typeof hydrateRoot> | undefined;
    await act(async () => {
      root = hydrateRoot(container, app, { onRecoverableError: (error) => void recoverable.push(error) });
    });
    expect(container.textContent).toBe('hello Ada');
    expect(recoverable).toEqual([]);
    expect(errors.mock.calls.map((c) => String(c[0]).slice(0, 300))).toEqual([]);
    expect(navigations).toEqual([]);
    errors.mockRestore();
    act(() => root?.unmount());
    client.destroy();
  });
});
