import { http, HttpResponse } from 'msw';
import { expect } from 'vitest';
import type { AuthClient, AuthClientOptions } from '../types.js';
import { createAuthClient } from '../client/createAuthClient.js';
import { server } from './msw.js';

export const ISSUER = 'https://auth.example.com';
export const CLIENT_ID = 'notes-spa';
/** jsdom's page is http://localhost:3000/ in these tests. */
export const APP = 'http://localhost:3000';
export const REDIRECT_URI = `${APP}/callback`;
export const TOKEN_ENDPOINT = `${ISSUER}/token`;

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An ID token with the given claims. Signatures are not checked for ID tokens received from
 * the token endpoint over TLS (OIDC Core §3.1.3.7 item 6), so a dummy signature suffices.
 */
export function idToken(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64url(header)}.${b64url({ iss: ISSUER, aud: CLIENT_ID, sub: 'user-1', iat: now, exp: now + 600, ...claims })}.c2ln`;
}

export const discoveryDocument = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: TOKEN_ENDPOINT,
  revocation_endpoint: `${ISSUER}/revoke`,
  end_session_endpoint: `${ISSUER}/logout`,
  jwks_uri: `${ISSUER}/jwks`,
  code_challenge_methods_supported: ['S256'],
  authorization_response_iss_parameter_supported: true,
  ...overrides,
});

export interface TokenCall {
  body: URLSearchParams;
  headers: Headers;
}

export interface FakeServerOptions {
  discovery?: Record<string, unknown>;
  /** Seconds; default 300. */
  expiresIn?: number;
  /** Replace the token endpoint's answer for authorization_code. */
  codeResponse?: (body: URLSearchParams) => Response | Promise<Response>;
  /** Replace the token endpoint's answer for refresh_token. */
  refreshResponse?: (body: URLSearchParams) => Response | Promise<Response>;
  /** The nonce to put in the ID token; default: echo the nonce of the last login. */
  idTokenClaims?: Record<string, unknown>;
  /** The `token_type` the token endpoint answers with. Default `'Bearer'`. */
  tokenType?: string;
}

/**
 * An authorization server at the fetch boundary: discovery, a token endpoint that rotates
 * refresh tokens (reuse of a spent one is `invalid_grant`, like oidc-provider), revocation.
 */
export function fakeServer(opts: FakeServerOptions = {}) {
  const calls = { discovery: 0, token: [] as TokenCall[], revoke: [] as TokenCall[] };
  const state = { nonce: undefined as string | undefined, refreshSerial: 0, validRefresh: new Set<string>(), accessSerial: 0 };
  const issue = (withId: boolean, resource?: string | null): Record<string, unknown> => {
    state.refreshSerial++;
    state.accessSerial++;
    const refresh = `rt-${state.refreshSerial}`;
    state.validRefresh.add(refresh);
    return {
      // A refresh for a resource (RFC 8707) names it in the access token, so tests can tell them apart.
      access_token: `at-${state.accessSerial}${resource ? `@${resource}` : ''}`,
      token_type: opts.tokenType ?? 'Bearer',
      expires_in: opts.expiresIn ?? 300,
      refresh_token: refresh,
      scope: 'openid profile',
      ...(withId ? { id_token: idToken({ nonce: state.nonce, name: 'Ada', ...opts.idTokenClaims }) } : {}),
    };
  };
  server.use(
    http.get(`${ISSUER}/.well-known/openid-configuration`, () => {
      calls.discovery++;
      return HttpResponse.json(discoveryDocument(opts.discovery));
    }),
    http.post(TOKEN_ENDPOINT, async ({ request }) => {
      const body = new URLSearchParams(await request.text());
      calls.token.push({ body, headers: request.headers });
      if (body.get('grant_type') === 'authorization_code') {
        if (opts.codeResponse) return opts.codeResponse(body);
        return HttpResponse.json(issue(true));
      }
      if (body.get('grant_type') === 'refresh_token') {
        if (opts.refreshResponse) return opts.refreshResponse(body);
        const rt = body.get('refresh_token') ?? '';
        if (!state.validRefresh.has(rt)) {
          // Reuse of a rotated refresh token revokes the grant, as oidc-provider does.
          state.validRefresh.clear();
          return HttpResponse.json({ error: 'invalid_grant', error_description: 'grant request is invalid' }, { status: 400 });
        }
        state.validRefresh.delete(rt);
        return HttpResponse.json(issue(false, body.get('resource')));
      }
      return HttpResponse.json({ error: 'unsupported_grant_type' }, { status: 400 });
    }),
    http.post(`${ISSUER}/revoke`, async ({ request }) => {
      calls.revoke.push({ body: new URLSearchParams(await request.text()), headers: request.headers });
      return new HttpResponse(null, { status: 200 });
    }),
  );
  return { calls, state };
}

/** Clients made by {@link makeClient}; setup.ts destroys them after each test. */
export const liveClients = new Set<AuthClient>();

export function makeClient(overrides: Partial<AuthClientOptions> = {}): { client: AuthClient; navigations: string[] } {
  const navigations: string[] = [];
  const client = createAuthClient({
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    issuer: ISSUER,
    scope: 'openid profile offline_access',
    navigate: (url) => void navigations.push(url),
    ...overrides,
  });
  liveClients.add(client);
  return { client, navigations };
}

/** Starts a login and returns the authorization URL's parameters. */
export async function startLogin(client: AuthClient, navigations: string[], returnTo?: string): Promise<URLSearchParams> {
  await client.login(returnTo === undefined ? {} : { returnTo });
  const url = navigations.at(-1);
  expect(url).toBeDefined();
  return new URL(url as string).searchParams;
}

/** A full login: login(), then the callback with `code`; the fake server echoes the nonce. */
export async function signIn(client: AuthClient, navigations: string[], fake: ReturnType<typeof fakeServer>): Promise<void> {
  const params = await startLogin(client, navigations, '/notes');
  fake.state.nonce = params.get('nonce') ?? undefined;
  await client.handleCallback(`${REDIRECT_URI}?code=c1&state=${params.get('state')}&iss=${encodeURIComponent(ISSUER)}`);
}

export const json = (body: unknown, status = 200): Response =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
