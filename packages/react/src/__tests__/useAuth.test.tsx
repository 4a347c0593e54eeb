import { Profiler, useEffect } from 'react';
import { act, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuthState } from '@pkce-auth/core';
import { useAuth, type UseAuthResult } from '../useAuth.js';
import { createMockAuthClient } from '../testing.js';
import { expectRenderError, renderStrict } from './helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('useAuth()', () => {
  it('throws an error that says to wrap the tree in <AuthProvider> when used outside one', () => {
    const quiet = expectRenderError();
    function Orphan() {
      useAuth();
      return null;
    }
    try {
      expect(() => renderStrict(<Orphan />)).toThrow(/inside\s+<AuthProvider client=/);
    } finally {
      quiet.restore();
    }
  });

  it('returns the snapshot, isLoading/isAuthenticated and the client methods', async () => {
    const client = createMockAuthClient({ signInOnLogin: false });
    let seen: UseAuthResult | undefined;
    function Probe() {
      seen = useAuth();
      return <p>{seen.status}</p>;
    }
    renderStrict(<Probe />, { client });
    expect(screen.getByText('unauthenticated')).toBeTruthy();
    expect(seen).toMatchObject({ status: 'unauthenticated', user: null, tokens: null, error: null });
    expect(seen?.isAuthenticated).toBe(false);
    expect(seen?.isLoading).toBe(false);

    await act(() => seen!.login({ returnTo: '/x' }));
    expect(client.calls.login).toEqual([{ returnTo: '/x' }]);

    act(() => client.setState({ status: 'loading' }));
    expect(seen?.isLoading).toBe(true);
    act(() => client.signIn({ sub: 'u1', name: 'Ada' }));
    expect(seen).toMatchObject({ status: 'authenticated', isAuthenticated: true, isLoading: false, user: { name: 'Ada' } });
  });

  it('keeps login/loginWithPopup/restoreSession/logout/getAccessToken/fetch identical across renders and state changes', () => {
    const client = createMockAuthClient();
    const results: UseAuthResult[] = [];
    function Probe() {
      results.push(useAuth());
      return null;
    }
    renderStrict(<Probe />, { client });
    act(() => client.signIn());
    act(() => client.setState({ tokens: { accessToken: 'b', tokenType: 'Bearer' } }));
    const first = results[0]!;
    const last = results.at(-1)!;
    expect(last.tokens?.accessToken).toBe('b');
    for (const key of ['login', 'loginWithPopup', 'restoreSession', 'logout', 'getAccessToken', 'getAuthHeaders', 'fetch'] as const) {
      expect(last[key]).toBe(first[key]);
    }
  });

  it('returns the same object while the snapshot is unchanged (a parent re-render does not make a new one)', () => {
    const client = createMockAuthClient();
    const results: UseAuthResult[] = [];
    function Probe({ n }: { n: number }) {
      const result = useAuth();
      // Committed renders only: React 18 discards StrictMode's first mount render with its memos.
      useEffect(() => {
        results.push(result);
      });
      return <p>{n}</p>;
    }
    const view = renderStrict(<Probe n={1} />, { client });
    view.rerender(<Probe n={2} />);
    expect(screen.getByText('2')).toBeTruthy();
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(new Set(results).size).toBe(1);
  });

  it('binds methods so they work when the client relies on `this`', async () => {
    const base = createMockAuthClient();
    const client = Object.assign(Object.create(base) as typeof base, {
      login(this: typeof base) {
        return base.login.call(this, { returnTo: '/this' });
      },
    });
    let login: UseAuthResult['login'] | undefined;
    function Probe() {
      ({ login } = useAuth());
      return null;
    }
    renderStrict(<Probe />, { client });
    const detached = login!;
    await act(() => detached());
    expect(base.calls.login).toEqual([{ returnTo: '/this' }]);
  });
});

describe('useAuth() popup and restore', () => {
  it('loginWithPopup and restoreSession call the client with their options', async () => {
    const client = createMockAuthClient();
    let auth: UseAuthResult | undefined;
    function Probe() {
      auth = useAuth();
      return null;
    }
    renderStrict(<Probe />, { client });
    await act(() => auth!.restoreSession());
    expect(client.getState().status).toBe('unauthenticated');
    await act(() => auth!.loginWithPopup({ params: { ui_locales: 'de' } }));
    expect(client.calls.restoreSession).toEqual([undefined]);
    expect(client.calls.loginWithPopup).toEqual([{ params: { ui_locales: 'de' } }]);
    expect(auth!.isAuthenticated).toBe(true);
  });
});

describe('useAuth(selector)', () => {
  it('a component reading s.user does not re-render when only the tokens change; useAuth() does', () => {
    const client = createMockAuthClient({ user: { sub: 'u1', name: 'Ada' } });
    const renders = { whole: 0, user: 0 };
    const commits = { whole: 0, user: 0 };
    function Whole() {
      renders.whole++;
      const { tokens } = useAuth();
      return <p>token {tokens?.accessToken}</p>;
    }
    function UserName() {
      renders.user++;
      const user = useAuth((s) => s.user);
      return <p>name {String(user?.name)}</p>;
    }
    renderStrict(
      <>
        <Profiler id="whole" onRender={() => commits.whole++}>
          <Whole />
        </Profiler>
        <Profiler id="user" onRender={() => commits.user++}>
          <UserName />
        </Profiler>
      </>,
      { client },
    );
    const before = { renders: { ...renders }, commits: { ...commits } };

    // One token refresh: new tokens object, same user object.
    act(() => client.setState({ tokens: { accessToken: 'refreshed', tokenType: 'Bearer', expiresAt: Date.now() + 60_000 } }));
    expect(screen.getByText('token refreshed')).toBeTruthy();

    const delta = {
      renders: { whole: renders.whole - before.renders.whole, user: renders.user - before.renders.user },
      commits: { whole: commits.whole - before.commits.whole, user: commits.user - before.commits.user },
    };
    console.info('[render counts across one token refresh, StrictMode]', JSON.stringify({ mount: before, refresh: delta }));
    expect(delta.renders.user).toBe(0);
    expect(delta.commits.user).toBe(0);
    expect(delta.renders.whole).toBeGreaterThan(0);
    expect(delta.commits.whole).toBe(1);

    // The selected value changing does re-render.
    act(() => client.signIn({ sub: 'u2', name: 'Grace' }));
    expect(screen.getByText('name Grace')).toBeTruthy();
    expect(commits.user - before.commits.user).toBe(1);
  });

  it('tolerates a selector that builds a new object (no render loop) and follows its changes', () => {
    const client = createMockAuthClient();
    let renders = 0;
    function Probe() {
      renders++;
      const view = useAuth((s: AuthState) => ({ signedIn: s.status === 'authenticated' }));
      return <p>{view.signedIn ? 'in' : 'out'}</p>;
    }
    renderStrict(<Probe />, { client });
    expect(screen.getByText('out')).toBeTruthy();
    act(() => client.signIn());
    expect(screen.getByText('in')).toBeTruthy();
    expect(renders).toBeLessThan(10);
  });

  it('uses the latest selector when it changes between renders', () => {
    const client = createMockAuthClient({ user: { sub: 'u1', name: 'Ada', email: 'ada@example.com' } });
    function Probe({ field }: { field: 'name' | 'email' }) {
      const value = useAuth((s) => s.user?.[field]);
      return <p>{String(value)}</p>;
    }
    const view = renderStrict(<Probe field="name" />, { client });
    expect(screen.getByText('Ada')).toBeTruthy();
    view.rerender(<Probe field="email" />);
    expect(screen.getByText('ada@example.com')).toBeTruthy();
  });

  it('unsubscribes on unmount', () => {
    const client = createMockAuthClient();
    const subscribe = client.subscribe.bind(client);
    let active = 0;
    client.subscribe = (listener) => {
      active++;
      const off = subscribe(listener);
      return () => {
        active--;
        off();
      };
    };
    function Probe() {
      useAuth((s) => s.status);
      useAuth();
      return null;
    }
    const view = renderStrict(<Probe />, { client });
    expect(active).toBe(2);
    view.unmount();
    expect(active).toBe(0);
  });
});
