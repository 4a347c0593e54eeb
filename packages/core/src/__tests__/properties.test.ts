// Property tests: everything that parses outside input either succeeds for valid input or
// fails with an AuthError — never another exception, never a session from invalid input.
import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createAuthClient } from '../client/createAuthClient.js';
import { AuthError } from '../errors.js';
import { processTokenResponse } from '../protocol/tokenResponse.js';
import { parseSession } from '../client/storedSession.js';
import { normalizeReturnTo } from '../url.js';
import { CLIENT_ID, fakeServer, idToken, ISSUER, makeClient, REDIRECT_URI, startLogin, TOKEN_ENDPOINT } from './fixtures.js';
import { server } from './msw.js';

const as: oauth.AuthorizationServer = { issuer: ISSUER, token_endpoint: TOKEN_ENDPOINT };
const client: oauth.Client = { client_id: CLIENT_ID };

/** A value, or with some probability a random replacement: mutates valid inputs. */
const mutate = <T>(valid: T): fc.Arbitrary<unknown> => fc.oneof({ weight: 3, arbitrary: fc.constant(valid) }, { weight: 1, arbitrary: fc.anything() });

const validBody = { access_token: 'at', token_type: 'Bearer', expires_in: 300, refresh_token: 'rt', scope: 'openid' };
const tokenBody = fc.oneof(
  fc.anything(),
  fc.record({
    access_token: mutate(validBody.access_token),
    token_type: fc.oneof(mutate('Bearer'), fc.constantFrom('bearer', 'BEARER', 'mac', 'DPoP', '')),
    expires_in: fc.oneof(mutate(300), fc.double(), fc.integer({ min: -10, max: 10 }), fc.constant('300')),
    refresh_token: mutate(validBody.refresh_token),
    scope: mutate(validBody.scope),
  }, { requiredKeys: [] }),
);

const isValidBody = (b: unknown): boolean => {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return false;
  const r = b as Record<string, unknown>;
  return (
    typeof r.access_token === 'string' && r.access_token !== '' &&
    typeof r.token_type === 'string' && r.token_type.toLowerCase() === 'bearer' &&
    (r.expires_in === undefined || (typeof r.expires_in === 'number' && Number.isFinite(r.expires_in) && r.expires_in >= 0)) &&
    (r.refresh_token === undefined || (typeof r.refresh_token === 'string' && r.refresh_token !== '')) &&
    (r.scope === undefined || typeof r.scope === 'string')
  );
};

describe('properties', () => {
  it('token responses: a TokenSet only from a valid body, otherwise AuthError', async () => {
    await fc.assert(
      fc.asyncProperty(tokenBody, fc.constantFrom(200, 200, 200, 400, 401, 500, 503), fc.boolean(), async (body, status, asText) => {
        const text = asText && typeof body === 'string' ? body : JSON.stringify(body) ?? 'null';
        const response = new Response(text, { status, headers: { 'content-type': 'application/json' } });
        try {
          const { tokens } = await processTokenResponse(response, (r) => oauth.processRefreshTokenResponse(as, client, r));
          expect(status).toBe(200);
          expect(isValidBody(JSON.parse(text))).toBe(true);
          expect(tokens.accessToken).not.toBe('');
          expect(tokens.tokenType).toBe('Bearer');
        } catch (error) {
          expect(error).toBeInstanceOf(AuthError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('ID-token claims: accepted only when iss, aud, exp and nonce hold; otherwise AuthError', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = fc.record({
      iss: fc.oneof(fc.constant(ISSUER), fc.constant(ISSUER), fc.string(), fc.anything()),
      aud: fc.oneof(fc.constant(CLIENT_ID), fc.constant(CLIENT_ID), fc.constant([CLIENT_ID]), fc.array(fc.constantFrom(CLIENT_ID, 'x')), fc.anything()),
      sub: fc.oneof(fc.constant('user-1'), fc.anything()),
      exp: fc.oneof(fc.constant(now + 600), fc.integer({ min: now - 10_000, max: now + 10_000 }), fc.anything()),
      iat: fc.oneof(fc.constant(now), fc.integer({ min: now - 10_000, max: now + 10_000 }), fc.anything()),
      nonce: fc.oneof(fc.constant('n-1'), fc.string(), fc.anything()),
      azp: fc.oneof(fc.constant(CLIENT_ID), fc.string()),
    }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(claims, async (c) => {
        const body = { access_token: 'at', token_type: 'Bearer', id_token: idToken({}).split('.')[0] + '.' + Buffer.from(JSON.stringify(c)).toString('base64url') + '.c2ln' };
        const response = new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
        try {
          const result = await processTokenResponse(response, (r) => oauth.processAuthorizationCodeResponse(as, client, r, { expectedNonce: 'n-1', requireIdToken: true }));
          const v = result.claims as Record<string, unknown>;
          expect(v.iss).toBe(ISSUER);
          expect(v.nonce).toBe('n-1');
          expect(Array.isArray(v.aud) ? (v.aud as unknown[]).includes(CLIENT_ID) : v.aud === CLIENT_ID).toBe(true);
          expect(typeof v.sub).toBe('string');
          expect(v.exp as number).toBeGreaterThan(now - 60);
        } catch (error) {
          expect(error).toBeInstanceOf(AuthError);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('stored sessions: any stored value yields a clean state, authenticated only for a valid session', () => {
    const valid = {
      v: 2,
      issuer: ISSUER,
      clientId: CLIENT_ID,
      receivedAt: Date.now(),
      user: { sub: 'u' },
      refreshId: 'rid',
      tokens: { accessToken: 'at', tokenType: 'Bearer', expiresAt: Date.now() + 60_000, refreshToken: 'rt' },
    };
    const stored = fc.oneof(
      fc.anything(),
      fc.record({
        v: mutate(2),
        issuer: mutate(ISSUER),
        clientId: mutate(CLIENT_ID),
        receivedAt: mutate(valid.receivedAt),
        user: mutate(valid.user),
        refreshId: mutate(valid.refreshId),
        tokens: fc.oneof(mutate(valid.tokens), fc.record({ accessToken: mutate('at'), tokenType: mutate('Bearer'), expiresAt: mutate(valid.tokens.expiresAt), refreshToken: mutate('rt') }, { requiredKeys: [] })),
      }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(stored, fc.boolean(), (value, raw) => {
        const map = new Map<string, string>([[`pkce-auth:${CLIENT_ID}:session`, raw && typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined']]);
        const auth = createAuthClient({
          clientId: CLIENT_ID,
          redirectUri: REDIRECT_URI,
          issuer: ISSUER,
          autoRefresh: false,
          storage: { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) },
        });
        const state = auth.getState();
        auth.destroy();
        const parsed = parseSession(value, { issuer: ISSUER, clientId: CLIENT_ID, dpop: false, prefix: `pkce-auth:${CLIENT_ID}` });
        if (state.status === 'authenticated') {
          expect(parsed).toBeDefined();
          expect(state.tokens?.accessToken).toBeTypeOf('string');
          expect(state.tokens?.accessToken).not.toBe('');
        } else {
          expect(state.status).toBe('unauthenticated');
          expect(state.tokens).toBeNull();
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('returnTo: the result is always a path on the same origin, else invalid_return_to', () => {
    const origin = 'http://localhost:3000';
    const input = fc.oneof(fc.string(), fc.webUrl(), fc.string().map((s) => `/${s}`), fc.string().map((s) => `//${s}`), fc.string().map((s) => `/\\${s}`), fc.constantFrom('javascript:alert(1)', 'data:x', '/\t/evil.example'));
    fc.assert(
      fc.property(input, (value) => {
        try {
          const path = normalizeReturnTo(value, origin);
          expect(path.startsWith('/')).toBe(true);
          expect(path.startsWith('//')).toBe(false);
          expect(new URL(path, origin).origin).toBe(origin);
        } catch (error) {
          expect(error).toMatchObject({ code: 'invalid_return_to' });
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('callback URLs: random and mutated queries resolve only for the real state and code, else AuthError, and never spend a code twice', async () => {
    const fake = fakeServer();
    const { client: auth, navigations } = makeClient({ autoRefresh: false });
    const params = await startLogin(auth, navigations, '/');
    const state = params.get('state') as string;
    fake.state.nonce = params.get('nonce') ?? undefined;
    const codes: string[] = [];
    server.use(
      http.post(TOKEN_ENDPOINT, async ({ request }) => {
        codes.push(new URLSearchParams(await request.text()).get('code') ?? '');
        return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
      }),
    );
    const part = fc.oneof(
      fc.constant(`state=${state}`),
      fc.constant(`iss=${encodeURIComponent(ISSUER)}`),
      fc.constant('code=c'),
      fc.constant('error=access_denied'),
      fc.tuple(fc.constantFrom('state', 'code', 'iss', 'error', 'id_token', 'response'), fc.string()).map(([k, v]) => `${k}=${encodeURIComponent(v)}`),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 6 }), async (parts) => {
        // Each run gets its own fresh pending login for the same state.
        sessionStorage.setItem(`pkce-auth:${CLIENT_ID}:pending`, JSON.stringify({ [state]: { state, verifier: 'v'.repeat(43), nonce: 'n-1', returnTo: '/', createdAt: Date.now(), meta: { issuer: ISSUER, token_endpoint: TOKEN_ENDPOINT, authorization_response_iss_parameter_supported: true } } }));
        const fresh = createAuthClient({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI, issuer: ISSUER, autoRefresh: false, navigate: () => {} });
        const before = codes.length;
        // What the page sees: the query of the parsed URL (a `#` starts the fragment).
        const query = new URL(`${REDIRECT_URI}?${parts.join('&')}`).searchParams;
        try {
          await fresh.handleCallback(`${REDIRECT_URI}?${parts.join('&')}`);
          throw new Error('the token endpoint always refuses here, so no callback may succeed');
        } catch (error) {
          expect(error).toBeInstanceOf(AuthError);
          expect(fresh.getState()).toMatchObject({ status: 'error', tokens: null });
        } finally {
          fresh.destroy();
        }
        // At most one token request, and only for a callback with the real state, its issuer,
        // exactly one code and no error.
        const spent = codes.length - before;
        expect(spent).toBeLessThanOrEqual(1);
        if (spent === 1) {
          expect(query.getAll('state')).toEqual([state]);
          expect(query.getAll('iss')).toEqual([ISSUER]);
          expect(query.getAll('code')).toHaveLength(1);
          expect(query.has('error')).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
    expect(codes.length).toBeGreaterThan(0);
  });
});
