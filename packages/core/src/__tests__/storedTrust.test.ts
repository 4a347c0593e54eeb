import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { APP, CLIENT_ID, fakeServer, ISSUER, makeClient, REDIRECT_URI, signIn, startLogin, TOKEN_ENDPOINT } from './fixtures.js';
import { server } from './msw.js';

const SESSION_KEY = `pkce-auth:${CLIENT_ID}:session`;
const PENDING_KEY = `pkce-auth:${CLIENT_ID}:pending`;
const EVIL = 'https://evil.example';

/** Counts every request to the attacker's host; none may ever arrive. */
function evilServer() {
  const seen: string[] = [];
  server.use(
    http.all(`${EVIL}/*`, async ({ request }) => {
      seen.push(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`);
      return HttpResponse.json({ access_token: 'stolen', token_type: 'Bearer', expires_in: 300 });
    }),
  );
  return seen;
}

const readSession = (): Record<string, unknown> => JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Record<string, unknown>;
const tamperSession = (change: (s: Record<string, unknown>) => void): void => {
  const session = readSession();
  change(session);
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
};
const tamperPending = (change: (p: Record<string, unknown>) => void): void => {
  const all = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? '{}') as Record<string, Record<string, unknown>>;
  for (const pending of Object.values(all)) change(pending);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(all));
};

describe('a stored session decides nothing about where tokens go', () => {
  it('holds tokens, user, issuer and client id, and no endpoint', async () => {
    const fake = fakeServer();
    const { client, navigations } = makeClient({ autoRefresh: false });
    await signIn(client, navigations, fake);
    const stored = readSession();
    expect(Object.keys(stored).sort()).toEqual(['clientId', 'issuer', 'receivedAt', 'refreshId', 'tokens', 'user', 'v']);
    expect(stored).toMatchObject({ v: 2, issuer: ISSUER, clientId: CLIENT_ID });
    expect(JSON.stringify(stored.tokens)).not.toMatch(/https?:/);
  });

  it('after a reload, refresh goes to the configured issuer’s token endpoint, not to endpoints planted in storage', async () => {
    const fake = fakeServer();
    const evil = evilServer();
    const first = makeClient({ autoRefresh: false });
    await signIn(first.client, first.navigations, fake);
    tamperSession((s) => {
      s.meta = { issuer: ISSUER, token_endpoint: `${EVIL}/token`, revocation_endpoint: `${EVIL}/revoke` };
      s.endpoints = { token: `${EVIL}/token` };
    });
    first.client.destroy();
    const reloaded = makeClient({ autoRefresh: false });
    expect(reloaded.client.getState().status).toBe('authenticated');
    await reloaded.client.refresh();
    expect(fake.calls.token.at(-1)?.body.get('grant_type')).toBe('refresh_token');
    expect(reloaded.client.getState().tokens?.accessToken).toBe('at-2');
    await reloaded.client.logout();
    expect(fake.calls.revoke.map((c) => c.body.get('token'))).toEqual(['rt-2']);
    expect(evil).toEqual([]);
  });

  it('with `endpoints` configured, a pending login’s planted token endpoint is ignored', async () => {
    const fake = fakeServer();
    const evil = evilServer();
    const endpoints = { authorization: `${ISSUER}/authorize`, token: TOKEN_ENDPOINT };
    const { client, navigations } = makeClient({ endpoints, scope: 'profile', autoRefresh: false });
    const params = await startLogin(client, navigations, '/');
    tamperPending((p) => void (p.meta = { issuer: ISSUER, token_endpoint: `${EVIL}/token` }));
    await client.handleCallback(`${REDIRECT_URI}?code=c1&state=${params.get('state')}`);
    expect(fake.calls.token).toHaveLength(1);
    expect(evil).toEqual([]);
  });

  it('a pending login for another issuer is state_mismatch, and its code is never sent', async () => {
    const fake = fakeServer();
    const evil = evilServer();
    const { client, navigations } = makeClient({ autoRefresh: false });
    const params = await startLogin(client, navigations, '/');
    tamperPending((p) => void (p.meta = { issuer: EVIL, token_endpoint: `${EVIL}/token` }));
    await expect(client.handleCallback(`${REDIRECT_URI}?code=c1&state=${params.get('state')}&iss=${encodeURIComponent(EVIL)}`)).rejects.toMatchObject({
      code: 'state_mismatch',
    });
    expect(fake.calls.token).toHaveLength(0);
    expect(evil).toEqual([]);
  });

  it('a pending login stripped of its nonce (openid) is state_mismatch, and its code is never sent', async () => {
    const fake = fakeServer();
    const { client, navigations } = makeClient({ autoRefresh: false });
    const params = await startLogin(client, navigations, '/');
    tamperPending((p) => void delete p.nonce);
    await expect(client.handleCallback(`${REDIRECT_URI}?code=c1&state=${params.get('state')}&iss=${encodeURIComponent(ISSUER)}`)).rejects.toMatchObject({
      code: 'state_mismatch',
    });
    expect(fake.calls.token).toHaveLength(0);
  });

  it('the code exchange sends the configured redirect_uri, whatever the pending login says', async () => {
    const fake = fakeServer();
    const { client, navigations } = makeClient({ autoRefresh: false });
    const params = await startLogin(client, navigations, '/');
    fake.state.nonce = params.get('nonce') ?? undefined;
    tamperPending((p) => void (p.redirectUri = `${EVIL}/callback`));
    await client.handleCallback(`${REDIRECT_URI}?code=c1&state=${params.get('state')}&iss=${encodeURIComponent(ISSUER)}`);
    expect(fake.calls.token[0]?.body.get('redirect_uri')).toBe(REDIRECT_URI);
  });
});

describe('apis: where auth.fetch may send the access token', () => {
  async function signedIn(apis?: { url: string }[]) {
    const fake = fakeServer();
    const made = makeClient({ autoRefresh: false, ...(apis ? { apis } : {}) });
    await signIn(made.client, made.navigations, fake);
    const seen: string[] = [];
    server.use(
      http.all('*', ({ request }) => {
        const url = new URL(request.url);
        if (url.origin === ISSUER) return undefined;
        seen.push(`${url.origin}${url.pathname} ${request.headers.get('authorization') ?? '-'}`);
        return HttpResponse.json({ ok: true });
      }),
    );
    return { client: made.client, seen, fake };
  }

  it('by default only the app’s own origin gets the token; another origin rejects invalid_config and nothing is sent', async () => {
    const { client, seen } = await signedIn();
    expect((await client.fetch('/api/notes')).status).toBe(200);
    expect(seen).toEqual([`${APP}/api/notes Bearer at-1`]);
    const refused = client.fetch('https://api.example.com/notes');
    await expect(refused).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(refused).rejects.toThrow(/https:\/\/api\.example\.com\/notes.*`apis`/);
    expect(seen).toHaveLength(1);
  });

  it('matches same origin and a path prefix at a / boundary only', async () => {
    const { client, seen } = await signedIn([{ url: 'https://api.example.com/notes' }]);
    await client.fetch('https://api.example.com/notes');
    await client.fetch('https://api.example.com/notes/5?x=1');
    for (const url of [
      'https://api.example.com/notesx',
      'https://api.example.com/notes/../admin',
      'https://api.example.com/notes/%2e%2e/admin',
      'http://api.example.com/notes',
      'https://api.example.com.evil.example/notes',
      'https://api.example.com:8443/notes',
      `${APP}/notes`,
    ]) {
      await expect(client.fetch(url), url).rejects.toMatchObject({ code: 'invalid_config' });
    }
    expect(seen).toEqual(['https://api.example.com/notes Bearer at-1', 'https://api.example.com/notes/5 Bearer at-1']);
  });

  it('a refused URL spends no refresh either', async () => {
    const { client, fake } = await signedIn();
    await client.refresh().catch(() => undefined);
    const before = fake.calls.token.length;
    await expect(client.fetch(new Request('https://elsewhere.example/x'))).rejects.toMatchObject({ code: 'invalid_config' });
    expect(fake.calls.token).toHaveLength(before);
  });

  it('refuses an `apis` url that is not https (or loopback http)', () => {
    expect(() => makeClient({ apis: [{ url: 'http://api.example.com' }] })).toThrow(expect.objectContaining({ code: 'invalid_config', message: expect.stringContaining('apis[0].url') }));
    expect(() => makeClient({ apis: [{ url: 'not a url' }] })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});
