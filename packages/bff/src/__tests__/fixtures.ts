/**
 * Test doubles: an authorization server and an API mocked with MSW at the fetch boundary (every
 * unhandled request fails the test), a browser with a cookie jar, and a sign-in through the BFF.
 */
import { createHash, randomBytes } from 'node:crypto';
import { clearDiscoveryCache } from '@pkce-auth/core';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createBff, type BffOptions } from '../index.js';
import { memoryStore } from '../stores/memory.js';
import type { SessionStore } from '../store.js';

export const ISSUER = 'https://as.example';
export const APP = 'https://app.example';
export const API = 'https://api.example';
export const CLIENT_ID = 'notes-bff';
export const CLIENT_SECRET = 'notes-bff-secret';
export const SECRET = 'a-test-secret-that-is-long-enough-for-aes-256';

/** Whether a request authenticates as the BFF with HTTP Basic (form-encoded id and secret, RFC 6749 §2.3.1). */
export function isBffClient(authorization: string | null): boolean {
  const [scheme, credentials = ''] = (authorization ?? '').split(' ');
  const [id = '', secret = ''] = Buffer.from(credentials, 'base64').toString('utf8').split(':');
  return scheme === 'Basic' && decodeURIComponent(id) === CLIENT_ID && decodeURIComponent(secret) === CLIENT_SECRET;
}

export const server = setupServer();

/** Starts MSW for the file: unhandled requests are errors; handlers and the discovery cache reset after each test. */
export function useMsw(): void {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    clearDiscoveryCache();
  });
  afterAll(() => server.close());
}

interface IssuedCode {
  challenge: string;
  nonce: string;
  redirectUri: string;
  sub: string;
  sid: string;
}

/** Options of {@link mockAuthServer}. */
export interface MockAuthServerOptions {
  /** `expires_in` of access tokens. Default 300. */
  expiresIn?: number;
  /** Issue refresh tokens. Default true. */
  refresh?: boolean;
  /** Advertise an end-session endpoint. Default true. */
  endSession?: boolean;
  /** Advertise a revocation endpoint. Default true. */
  revocation?: boolean;
}

// One RSA key pair per test file: making one takes long enough to slow every test down.
let signingKeys: ReturnType<typeof generateKeyPair> | undefined;

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/**
 * A mock authorization server: discovery, JWKS, a code grant that checks PKCE, client
 * authentication and redirect URI, rotating refresh tokens (a spent one gets invalid_grant), and
 * revocation. `requests` records every token and revocation request's form.
 */
export async function mockAuthServer(options: MockAuthServerOptions = {}) {
  const { privateKey, publicKey } = await (signingKeys ??= generateKeyPair('RS256'));
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, IssuedCode>();
  const refreshTokens = new Map<string, 'live' | 'spent' | 'revoked'>();
  const requests = { token: [] as URLSearchParams[], revocation: [] as URLSearchParams[], tokenAuth: [] as (string | null)[] };
  let counter = 0;

  const sign = (claims: JWTPayload, header: Record<string, unknown> = {}, key = privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header }).sign(key);

  const tokens = async (grant: { sub: string; sid: string; nonce?: string }, resource?: string) => {
    counter += 1;
    const rt = `rt-${counter}-${randomBytes(4).toString('hex')}`;
    if (options.refresh !== false) refreshTokens.set(rt, 'live');
    const now = Math.floor(Date.now() / 1000);
    const idToken = grant.nonce ? await sign({ iss: ISSUER, aud: CLIENT_ID, sub: grant.sub, sid: grant.sid, nonce: grant.nonce, name: 'Demo Person', iat: now, exp: now + 600 }) : undefined;
    return {
      access_token: `at-${counter}${resource ? `-for-${resource}` : ''}`,
      token_type: 'Bearer',
      expires_in: options.expiresIn ?? 300,
      scope: 'openid profile offline_access notes:read',
      ...(options.refresh !== false ? { refresh_token: rt } : {}),
      ...(idToken ? { id_token: idToken } : {}),
    };
  };
  const grants = new Map<string, { sub: string; sid: string }>();

  const handlers = [
    http.get(`${ISSUER}/.well-known/openid-configuration`, () =>
      HttpResponse.json({
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/authorize`,
        token_endpoint: `${ISSUER}/token`,
        jwks_uri: `${ISSUER}/jwks`,
        ...(options.revocation !== false ? { revocation_endpoint: `${ISSUER}/revoke` } : {}),
        ...(options.endSession !== false ? { end_session_endpoint: `${ISSUER}/logout` } : {}),
        authorization_response_iss_parameter_supported: true,
        code_challenge_methods_supported: ['S256'],
        id_token_signing_alg_values_supported: ['RS256'],
      }),
    ),
    http.get(`${ISSUER}/jwks`, () => HttpResponse.json({ keys: [jwk] })),
    http.post(`${ISSUER}/token`, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      requests.token.push(form);
      requests.tokenAuth.push(request.headers.get('authorization'));
      if (!isBffClient(request.headers.get('authorization'))) return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
      if (form.get('grant_type') === 'authorization_code') {
        const code = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!code || code.challenge !== s256(form.get('code_verifier') ?? '') || code.redirectUri !== form.get('redirect_uri')) {
          return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
        }
        const body = await tokens(code);
        if (body.refresh_token) grants.set(body.refresh_token, code);
        return HttpResponse.json(body);
      }
      const rt = form.get('refresh_token') ?? '';
      const grant = grants.get(rt);
      if (refreshTokens.get(rt) !== 'live' || !grant) return HttpResponse.json({ error: 'invalid_grant', error_description: `refresh token ${rt} is ${refreshTokens.get(rt) ?? 'unknown'}` }, { status: 400 });
      refreshTokens.set(rt, 'spent');
      const body = await tokens(grant, form.get('resource') ?? undefined);
      if (body.refresh_token) grants.set(body.refresh_token, grant);
      return HttpResponse.json(body);
    }),
    http.post(`${ISSUER}/revoke`, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      requests.revocation.push(form);
      if (!isBffClient(request.headers.get('authorization'))) return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
      if (refreshTokens.has(form.get('token') ?? '')) refreshTokens.set(form.get('token') as string, 'revoked');
      return new HttpResponse(null, { status: 200 });
    }),
  ];
  server.use(...handlers);

  return {
    requests,
    refreshTokens,
    sign,
    /** The authorization server's answer to an authorization request: a callback URL with a code (or `error`). */
    authorize(location: string, who: { sub?: string; sid?: string } = {}): URL {
      const url = new URL(location);
      const q = url.searchParams;
      const callback = new URL(q.get('redirect_uri') as string);
      const code = `code-${randomBytes(6).toString('hex')}`;
      codes.set(code, { challenge: q.get('code_challenge') as string, nonce: q.get('nonce') as string, redirectUri: callback.href, sub: who.sub ?? 'user-1', sid: who.sid ?? 'sid-1' });
      callback.search = new URLSearchParams({ code, state: q.get('state') as string, iss: ISSUER }).toString();
      return callback;
    },
    /** A signed logout token for `claims` over the defaults (iss, aud, iat, jti, events, sid). */
    logoutToken(claims: Record<string, unknown> = {}, header: Record<string, unknown> = { typ: 'logout+jwt' }) {
      const now = Math.floor(Date.now() / 1000);
      const defaults = { iss: ISSUER, aud: CLIENT_ID, iat: now, exp: now + 120, jti: randomBytes(8).toString('hex'), events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, sid: 'sid-1' };
      // An undefined claim is left out (JSON), so a test can drop a default.
      return sign({ ...defaults, ...claims } as JWTPayload, header);
    },
  };
}

export type MockAuthServer = Awaited<ReturnType<typeof mockAuthServer>>;

/** Options for {@link testBff}: the defaults point at the mocks above. */
export function bffOptions(overrides: Partial<BffOptions> = {}): BffOptions {
  return {
    issuer: ISSUER,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    baseUrl: APP,
    scope: 'openid profile offline_access notes:read',
    secret: SECRET,
    apis: [{ path: '/api/notes', target: `${API}/v1/notes` }],
    onError: () => {},
    ...overrides,
  };
}

/** A BFF over a store the test can look into. */
export function testBff(overrides: Partial<BffOptions> = {}) {
  const store: SessionStore = overrides.store ?? memoryStore();
  return { bff: createBff(bffOptions({ ...overrides, store })), store };
}

/** A browser: keeps the cookies the BFF sets (honouring `Max-Age=0`) and sends them back. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly bff: { fetch(request: Request): Promise<Response> }) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size && !headers.has('cookie')) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await this.bff.fetch(new Request(new URL(path, APP), { ...init, headers }));
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (/max-age=0/i.test(line)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }

  /** A call from the app's pages: with the CSRF header. */
  app(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('x-csrf', '1');
    return this.fetch(path, { ...init, headers });
  }
}

/** Signs in through the BFF: login → the mock server's redirect back → callback (303). */
export async function signIn(browser: Browser, as: MockAuthServer, returnTo = '/notes', who?: { sub?: string; sid?: string }): Promise<Response> {
  const login = await browser.fetch(`/bff/login?returnTo=${encodeURIComponent(returnTo)}`);
  expect(login.status).toBe(302);
  const callback = as.authorize(login.headers.get('location') as string, who);
  const response = await browser.fetch(callback.pathname + callback.search);
  expect(response.status).toBe(303);
  return response;
}

/** The JSON body of a response. */
export const body = async (response: Response): Promise<Record<string, unknown>> => (await response.json()) as Record<string, unknown>;
