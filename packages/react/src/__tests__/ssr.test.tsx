// @vitest-environment node
import { version as reactVersion } from 'react';
import { renderToString, version as serverVersion } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createAuthClient } from '@pkce-auth/core';
import { AuthProvider, Callback, RequireAuth, useAuth } from '../index.js';
import { MockAuthProvider } from '../testing.js';

function Status() {
  const { status, isAuthenticated } = useAuth();
  const user = useAuth((s) => s.user);
  return (
    <p>
      status {status} {String(isAuthenticated)} {String(user)}
    </p>
  );
}

describe('server rendering', () => {
  it(`uses React ${process.env.PKCE_AUTH_REACT_MAJOR ?? '19'} on the server too`, () => {
    expect(reactVersion.split('.')[0]).toBe(process.env.PKCE_AUTH_REACT_MAJOR ?? '19');
    expect(serverVersion).toBe(reactVersion);
  });

  it('renders with a real client without touching window', () => {
    expect(typeof window).toBe('undefined');
    const navigations: string[] = [];
    // Made at module scope in an app; on the server the core keeps away from window/storage.
    const client = createAuthClient({
      clientId: 'notes-spa',
      redirectUri: 'http://localhost:5173/callback',
      issuer: 'http://localhost:4000',
      navigate: (url) => void navigations.push(url),
    });
    try {
      const html = renderToString(
        <AuthProvider client={client}>
          <Status />
          <RequireAuth fallback={<span>checking session</span>}>
            <span>secret</span>
          </RequireAuth>
          <Callback fallback={<span>Signing you in…</span>} />
        </AuthProvider>,
      );
      // The server cannot know the browser's session: it renders `loading`, and guards wait.
      expect(html).toContain('status <!-- -->loading');
      expect(html).toContain('checking session');
      expect(html).toContain('Signing you in…');
      expect(html).not.toContain('secret');
      // Effects do not run on the server: no login, no callback.
      expect(navigations).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it('renders the fallback of <RequireAuth> on the server even for a signed-in client, so hydration matches', () => {
    const html = renderToString(
      <MockAuthProvider initialState={{ user: { sub: 'u1', name: 'Ada' } }}>
        <RequireAuth fallback={<span>checking session</span>}>
          <span>secret</span>
        </RequireAuth>
      </MockAuthProvider>,
    );
    expect(html).toContain('checking session');
    expect(html).not.toContain('secret');
  });
});
