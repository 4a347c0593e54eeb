// The real core against a mocked authorization server (MSW at the fetch boundary, any
// unexpected request failing the test): clients as an app makes them, a token endpoint that
// counts its requests, and arriving on the callback URL as a new page load would.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { createAuthClient, type AuthClient } from '@pkce-auth/core';

export const ISSUER = 'https://auth.example.com';
export const CLIENT_ID = 'notes-spa';
export const APP = window.location.origin;
export const REDIRECT_URI = `${APP}/callback`;
export const TOKEN_ENDPOINT = `${ISSUER}/token`;

const server = setupServer();

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** ID tokens from the token endpoint are not signature-checked (OIDC Core §3.1.3.7), so a dummy one does. */
function idToken(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ iss: ISSUER, aud: CLIENT_ID, sub: 'user-1', iat: now, exp: now + 600, ...claims })}.c2ln`;
}

/** The token endpoint: counts requests, echoes the login's nonce, rotates refresh tokens. */
export function tokenEndpoint() {
  const requests: URLSearchParams[] = [];
  let nonce: string | undefined;
  let serial = 0;
  server.use(
    http.post(TOKEN_ENDPOINT, async ({ request }) => {
      const body = new URLSearchParams(await request.text());
      requests.push(body);
      serial++;
      const tokens = {
        access_token: `at-${serial}`,
        token_type: 'Bearer',
        expires_in: 300,
        refresh_token: `rt-${serial}`,
        scope: 'openid profile offline_access',
      };
      if (body.get('grant_type') === 'authorization_code') {
        return HttpResponse.json({ ...tokens, id_token: idToken({ nonce, name: 'Ada Lovelace' }) });
      }
      return HttpResponse.json(tokens);
    }),
  );
  return {
    requests,
    setNonce(value: string | undefined) {
      nonce = value;
    },
  };
}

const clients: AuthClient[] = [];
/** A client as an app makes it at module scope; navigations are captured instead of followed. */
export function makeClient() {
  const navigations: string[] = [];
  const client = createAuthClient({
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    issuer: ISSUER,
    endpoints: { authorization: `${ISSUER}/authorize`, token: TOKEN_ENDPOINT },
    scope: 'openid profile offline_access',
    navigate: (url) => void navigations.push(url),
  });
  clients.push(client);
  return { client, navigations };
}

/** login() on `from`, then "arrive" on the callback URL as a new page load would (a fresh client). */
export async function arriveAtCallback(from: string, query: (state: string) => string) {
  window.history.replaceState(null, '', from);
  const { client: before, navigations } = makeClient();
  await before.login();
  const authorize = new URL(navigations[0]!);
  const state = authorize.searchParams.get('state')!;
  window.history.replaceState(null, '', `/callback?${query(state)}`);
  return { ...makeClient(), state, nonce: authorize.searchParams.get('nonce') ?? undefined };
}

/** Registers the mock server and the per-test cleanup in the calling test file. */
export function installRealCore(): void {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());
  beforeEach(() => {
    window.history.replaceState(null, '', '/');
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
    server.resetHandlers();
    sessionStorage.clear();
    localStorage.clear();
    vi.restoreAllMocks();
  });
}
