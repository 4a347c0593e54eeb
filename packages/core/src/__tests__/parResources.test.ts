import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { CLIENT_ID, fakeServer, ISSUER, makeClient, REDIRECT_URI, signIn, startLogin, TOKEN_ENDPOINT } from './fixtures.js';
import { server } from './msw.js';

const PAR = `${ISSUER}/par`;
const NOTES = 'https://notes.example.com';
const TAGS = 'https://tags.example.com';
const TAGS_RESOURCE = 'https://tags.example.com/';

/** A PAR endpoint that records the pushed bodies and hands out request_uris. */
function parEndpoint(answer?: () => Response) {
  const pushed: URLSearchParams[] = [];
  server.use(
    http.post(PAR, async ({ request }) => {
      pushed.push(new URLSearchParams(await request.text()));
      return answer?.() ?? HttpResponse.json({ request_uri: `urn:ietf:params:oauth:request_uri:r${pushed.length}`, expires_in: 60 }, { status: 201 });
    }),
  );
  return pushed;
}

describe('par — pushed authorization requests (RFC 9126)', () => {
  it("'auto' pushes when the metadata requires it: the redirect carries only client_id and request_uri", async () => {
    fakeServer({ discovery: { pushed_authorization_request_endpoint: PAR, require_pushed_authorization_requests: true } });
    const pushed = parEndpoint();
    const { client, navigations } = makeClient();
    const params = await startLogin(client, navigations);
    expect(Object.fromEntries(params)).toEqual({ client_id: CLIENT_ID, request_uri: 'urn:ietf:params:oauth:request_uri:r1' });
    expect(pushed).toHaveLength(1);
    const body = Object.fromEntries(pushed[0] ?? []);
    expect(body).toMatchObject({ client_id: CLIENT_ID, response_type: 'code', redirect_uri: REDIRECT_URI, code_challenge_method: 'S256' });
    expect(body.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.state).toBeTypeOf('string');
    expect(body.nonce).toBeTypeOf('string');
  });

  it('a pushed login completes: the callback carries the pushed state', async () => {
    const fake = fakeServer({ discovery: { pushed_authorization_request_endpoint: PAR } });
    const pushed = parEndpoint();
    const { client, navigations } = makeClient({ par: true });
    await startLogin(client, navigations);
    const sent = pushed[0] as URLSearchParams;
    fake.state.nonce = sent.get('nonce') ?? undefined;
    await client.handleCallback(`${REDIRECT_URI}?code=c&state=${sent.get('state')}&iss=${encodeURIComponent(ISSUER)}`);
    expect(client.getState().status).toBe('authenticated');
  });

  it("'auto' does not push when the server does not require it", async () => {
    fakeServer({ discovery: { pushed_authorization_request_endpoint: PAR } });
    const pushed = parEndpoint();
    const auto = makeClient();
    expect((await startLogin(auto.client, auto.navigations)).has('code_challenge')).toBe(true);
    expect(pushed).toHaveLength(0);
  });

  it('false where the metadata requires pushing fails before redirecting, with nothing pushed or pending', async () => {
    fakeServer({ discovery: { pushed_authorization_request_endpoint: PAR, require_pushed_authorization_requests: true } });
    const pushed = parEndpoint();
    const { client, navigations } = makeClient({ par: false });
    await expect(client.login()).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringMatching(/requires pushed authorization requests.*par: 'auto'/) });
    expect(navigations).toEqual([]);
    expect(pushed).toHaveLength(0);
    expect(Object.keys(sessionStorage).filter((key) => key.includes('pending'))).toEqual([]);
  });

  it('par: true against a server without a PAR endpoint rejects invalid_config and goes nowhere', async () => {
    fakeServer();
    const { client, navigations } = makeClient({ par: true });
    await expect(client.login()).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringContaining('pushed_authorization_request_endpoint') });
    expect(navigations).toEqual([]);
  });

  it('a refused push is authorization_error with the server’s error, and no redirect', async () => {
    fakeServer({ discovery: { pushed_authorization_request_endpoint: PAR } });
    parEndpoint(() => HttpResponse.json({ error: 'invalid_request', error_description: 'bad redirect_uri' }, { status: 400 }));
    const { client, navigations } = makeClient({ par: true });
    await expect(client.login()).rejects.toMatchObject({ code: 'authorization_error', error: 'invalid_request', message: expect.stringContaining('bad redirect_uri') });
    expect(navigations).toEqual([]);
  });

  it('rejects a `par` value that is not true, false or auto', () => {
    expect(() => makeClient({ par: 'yes' as never })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});

describe('dpop without its import', () => {
  it("dpop: true rejects invalid_config naming the import '@pkce-auth/core/dpop'", () => {
    expect(() => makeClient({ dpop: true })).toThrow(expect.objectContaining({ code: 'invalid_config', message: expect.stringContaining("import '@pkce-auth/core/dpop'") }));
  });
});

const APIS = [{ url: NOTES }, { url: TAGS, resource: TAGS_RESOURCE, scope: 'tags:read' }];
const refreshes = (fake: ReturnType<typeof fakeServer>) => fake.calls.token.filter((call) => call.body.get('grant_type') === 'refresh_token');

async function withApis(serverOpts: Parameters<typeof fakeServer>[0] = {}) {
  const fake = fakeServer(serverOpts);
  const made = makeClient({ apis: APIS, autoRefresh: false, authorizeParams: { resource: 'https://notes.example.com/' } });
  await signIn(made.client, made.navigations, fake);
  return { fake, ...made };
}

describe('per-API tokens (RFC 8707)', () => {
  it('the authorization request names every resource and asks for every API scope', async () => {
    fakeServer();
    const { client, navigations } = makeClient({ apis: APIS, authorizeParams: { resource: 'https://notes.example.com/' } });
    const params = await startLogin(client, navigations);
    expect(params.getAll('resource')).toEqual(['https://notes.example.com/', TAGS_RESOURCE]);
    expect(params.get('scope')?.split(' ')).toEqual(['openid', 'profile', 'offline_access', 'tags:read']);
  });

  it('the code exchange has no resource; a resource token comes from a refresh grant with resource and scope, then from the cache', async () => {
    const { fake, client } = await withApis();
    expect(fake.calls.token[0]?.body.has('resource')).toBe(false);
    const tags = await client.getAccessToken({ resource: TAGS_RESOURCE, scope: 'tags:read' });
    expect(tags).toBe(`at-2@${TAGS_RESOURCE}`);
    expect(Object.fromEntries(refreshes(fake)[0]?.body ?? [])).toMatchObject({ refresh_token: 'rt-1', resource: TAGS_RESOURCE, scope: 'tags:read' });
    expect(await client.getAccessToken({ resource: TAGS_RESOURCE, scope: ' tags:read ' })).toBe(tags);
    // The session's own token stays the default one; the rotated refresh token is the session's.
    expect(await client.getAccessToken()).toBe('at-1');
    await client.refresh();
    expect(refreshes(fake)[1]?.body.get('refresh_token')).toBe('rt-2');
    expect(refreshes(fake)[1]?.body.has('resource')).toBe(false);
    expect(refreshes(fake)).toHaveLength(2);
  });

  it('one request for concurrent callers of a resource; resources take turns on the one refresh token', async () => {
    const { fake, client } = await withApis();
    const tokens = await Promise.all([
      client.getAccessToken({ resource: TAGS_RESOURCE }),
      client.getAccessToken({ resource: TAGS_RESOURCE }),
      client.getAccessToken({ resource: 'https://other.example.com/' }),
      client.getAccessToken({ resource: TAGS_RESOURCE }),
    ]);
    expect(refreshes(fake).map((call) => call.body.get('resource'))).toEqual([TAGS_RESOURCE, 'https://other.example.com/']);
    // Each refresh presented the newest refresh token: none was spent twice.
    expect(refreshes(fake).map((call) => call.body.get('refresh_token'))).toEqual(['rt-1', 'rt-2']);
    expect(new Set([tokens[0], tokens[1], tokens[3]]).size).toBe(1);
  });

  it('each resource token has its own expiry: a due one is refreshed, the session’s is not', async () => {
    const { fake, client } = await withApis({ expiresIn: 3600 });
    const first = await client.getAccessToken({ resource: TAGS_RESOURCE });
    const stored = JSON.parse(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:session`) as string) as { apiTokens: Record<string, { tokens: { expiresAt: number } }> };
    for (const entry of Object.values(stored.apiTokens)) entry.tokens.expiresAt = Date.now() - 1;
    sessionStorage.setItem(`pkce-auth:${CLIENT_ID}:session`, JSON.stringify(stored));
    const reloaded = makeClient({ apis: APIS, autoRefresh: false }).client;
    const second = await reloaded.getAccessToken({ resource: TAGS_RESOURCE });
    expect(second).not.toBe(first);
    expect(await reloaded.getAccessToken()).toBe('at-1');
    expect(refreshes(fake).map((call) => call.body.get('resource'))).toEqual([TAGS_RESOURCE, TAGS_RESOURCE]);
  });

  it('auth.fetch picks the token of the API whose url matches, and a 401 refreshes that API’s token once', async () => {
    const { fake, client } = await withApis();
    const seen: Record<string, string | null> = {};
    let tags401 = true;
    server.use(
      http.get(`${NOTES}/notes`, ({ request }) => ((seen.notes = request.headers.get('authorization')), HttpResponse.json([]))),
      http.get(`${TAGS}/tags`, ({ request }) => {
        seen.tags = request.headers.get('authorization');
        if (tags401) return (tags401 = false), new HttpResponse(null, { status: 401 });
        return HttpResponse.json([]);
      }),
    );
    await client.fetch(`${NOTES}/notes`);
    expect(seen.notes).toBe('Bearer at-1');
    expect((await client.fetch(`${TAGS}/tags`)).status).toBe(200);
    expect(seen.tags).toBe(`Bearer at-3@${TAGS_RESOURCE}`);
    expect(refreshes(fake).map((call) => call.body.get('resource'))).toEqual([TAGS_RESOURCE, TAGS_RESOURCE]);
  });

  it('without a refresh token, an API token is login_required naming offline_access, and no request is sent', async () => {
    const fake = fakeServer({ codeResponse: () => HttpResponse.json({ access_token: 'at-x', token_type: 'Bearer', expires_in: 300 }) });
    // No openid (so no ID token is due) and no offline_access: the server gives no refresh token.
    const { client, navigations } = makeClient({ apis: APIS, scope: 'notes:read' });
    await signIn(client, navigations, fake);
    await expect(client.getAccessToken({ resource: TAGS_RESOURCE })).rejects.toMatchObject({ code: 'login_required', message: expect.stringContaining('offline_access') });
    expect(refreshes(fake)).toHaveLength(0);
    expect(client.getState().tokens?.accessToken).toBe('at-x');
  });

  it('a server refusing one API’s token (invalid_target) keeps the session and its refresh token', async () => {
    const { fake, client } = await withApis();
    server.use(
      http.post(TOKEN_ENDPOINT, async ({ request }) => {
        const body = new URLSearchParams(await request.clone().text());
        return body.get('resource') === TAGS_RESOURCE ? HttpResponse.json({ error: 'invalid_target' }, { status: 400 }) : undefined;
      }),
    );
    await expect(client.getAccessToken({ resource: TAGS_RESOURCE })).rejects.toMatchObject({ code: 'token_error', error: 'invalid_target' });
    expect(client.getState().status).toBe('authenticated');
    await client.refresh();
    expect(refreshes(fake).at(-1)?.body.get('refresh_token')).toBe('rt-1');
  });

  it('one token for one scope set, whatever the order; bad getAccessToken options are invalid_config', async () => {
    const { fake, client } = await withApis();
    const first = await client.getAccessToken({ resource: TAGS_RESOURCE, scope: 'tags:read tags:write' });
    expect(await client.getAccessToken({ resource: TAGS_RESOURCE, scope: 'tags:write  tags:read' })).toBe(first);
    expect(refreshes(fake)).toHaveLength(1);
    await expect(client.getAccessToken({ resource: 42 as never })).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringContaining('resource') });
    expect(refreshes(fake)).toHaveLength(1);
  });

  it('getAuthHeaders resolves a page-relative URL, and rejects what is not a URL or a method with invalid_config', async () => {
    const fake = fakeServer();
    const { client, navigations } = makeClient();
    await signIn(client, navigations, fake);
    expect(await client.getAuthHeaders({ url: '/api/notes' })).toEqual({ Authorization: 'Bearer at-1' });
    await expect(client.getAuthHeaders({ url: 'http://[bad' })).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(client.getAuthHeaders({ url: '/api/notes', method: 5 as never })).rejects.toMatchObject({ code: 'invalid_config' });
  });

  it('API tokens count towards the session’s 5 refreshes a minute: the 6th API in a minute is refused without a request', async () => {
    const { fake, client } = await withApis();
    for (let i = 1; i <= 5; i++) await client.getAccessToken({ resource: `https://api${i}.example.com/` });
    await expect(client.getAccessToken({ resource: 'https://api6.example.com/' })).rejects.toMatchObject({ code: 'network_error', message: expect.stringContaining('refresh paused') });
    expect(refreshes(fake)).toHaveLength(5);
    expect(client.getState().status).toBe('authenticated');
  });

  it('rejects an apis[].resource that is not an absolute URI, or has a fragment', () => {
    expect(() => makeClient({ apis: [{ url: TAGS, resource: 'tags' }] })).toThrow(expect.objectContaining({ code: 'invalid_config', message: expect.stringContaining('apis[0].resource') }));
    expect(() => makeClient({ apis: [{ url: TAGS, resource: 'https://tags.example.com/#x' }] })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});

