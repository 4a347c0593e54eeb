// The BFF client's loginWithPopup() and restoreSession(): the BFF's session lives at the server,
// so restoring is its session check, and a popup login is refused with what to call instead.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createBffClient } from '../bff/createBffClient.js';
import { isAuthError } from '../errors.js';
import { APP, liveClients } from './fixtures.js';
import { server } from './msw.js';

function bff(user: () => Response) {
  const calls: string[] = [];
  server.use(
    http.get(`${APP}/bff/user`, ({ request }) => {
      calls.push(request.url);
      return user();
    }),
  );
  const navigations: string[] = [];
  const client = createBffClient({ navigate: (url) => void navigations.push(url) });
  liveClients.add(client);
  return { client, calls, navigations };
}

describe('createBffClient: login UX', () => {
  it('restoreSession() resolves once GET /bff/user answered, signed in, without navigating', async () => {
    const { client, navigations } = bff(() => HttpResponse.json({ user: { sub: 'user-1' }, expiresAt: Date.now() + 60_000 }));
    await client.restoreSession();
    expect(client.getState()).toMatchObject({ status: 'authenticated', user: { sub: 'user-1' } });
    expect(navigations).toEqual([]);
  });

  it('restoreSession() with no BFF session: unauthenticated, no error, no navigation', async () => {
    const { client, navigations } = bff(() => new HttpResponse(null, { status: 401 }));
    await client.restoreSession();
    expect(client.getState()).toMatchObject({ status: 'unauthenticated', error: null });
    expect(navigations).toEqual([]);
  });

  it('loginWithPopup() rejects invalid_config saying to use login(), and opens nothing', async () => {
    const { client, navigations } = bff(() => new HttpResponse(null, { status: 401 }));
    const error = await client.loginWithPopup().catch((e: unknown) => e);
    expect(isAuthError(error, 'invalid_config')).toBe(true);
    expect((error as Error).message).toContain('use login()');
    expect(navigations).toEqual([]);
  });
});
