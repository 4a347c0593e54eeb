/**
 * DPoP (RFC 9449) with server nonces, pushed authorization requests (RFC 9126) and the second
 * API (RFC 8707), seen from oauth4webapi — the client library the SDK is built on.
 */
import { calculateJwkThumbprint, exportJWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENTS, DEFAULT_RESOURCE, DEFAULT_TAGS_RESOURCE, signIn, startDevServer } from '../index.js';
import type { DevServer } from '../index.js';
import { authorize, followAuthorization } from '../signIn.js';
import { authorizationUrl, tokenRequest, verifyJwt } from './flow.js';

const REDIRECT_URI = 'http://localhost:5173/callback';
const APP_ORIGIN = 'http://localhost:5173';

let server: DevServer;
let as: oauth.AuthorizationServer;
/** Every response oauth4webapi received, newest last, with its raw JSON body. */
const seen: { url: string; status: number; headers: Headers; body: unknown }[] = [];

/** Sends the app's Origin (as a browser would) and records what comes back. */
const customFetch = async (url: string, init: oauth.CustomFetchOptions<string, URLSearchParams | undefined>): Promise<Response> => {
  const res = await fetch(url, {
    method: init.method,
    redirect: init.redirect,
    headers: { ...init.headers, origin: APP_ORIGIN },
    ...(init.body ? { body: init.body } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await res.clone().text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  seen.push({ url, status: res.status, headers: res.headers, body });
  return res;
};
const http = { [oauth.allowInsecureRequests]: true, [oauth.customFetch]: customFetch } as const;

const spa: oauth.Client = { client_id: CLIENTS.spa.clientId };
const spaPar: oauth.Client = { client_id: CLIENTS.spaPar.clientId };

beforeAll(async () => {
  server = await startDevServer({ port: 0 });
  const issuer = new URL(server.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
});

afterAll(async () => {
  await server.stop();
});

/** Signs `demo` in (notes-spa by default; PKCE, own nonce) and returns the callback and the ID-token check to redeem it with. */
async function signedInCallback(extra: { resource?: string | string[]; scope?: string; clientId?: string } = {}) {
  const openid = (extra.scope ?? 'openid').split(' ').includes('openid');
  const nonce: string | typeof oauth.expectNoNonce = openid ? oauth.generateRandomNonce() : oauth.expectNoNonce;
  const result = await authorize({ issuer: server.issuer, ...(typeof nonce === 'string' ? { extra: { nonce } } : {}), ...extra });
  const client = { client_id: extra.clientId ?? spa.client_id };
  const params = oauth.validateAuthResponse(as, client, result.callbackUrl, result.state);
  const expected: oauth.ProcessAuthorizationCodeResponseOptions = { expectedNonce: nonce };
  return { ...result, params, expected, client };
}

/** Runs an oauth4webapi request, once more after `use_dpop_nonce` (the handle keeps the nonce). */
async function withNonceRetry<T>(attempt: () => Promise<T>): Promise<{ result: T; retried: boolean }> {
  try {
    return { result: await attempt(), retried: false };
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) throw err;
    return { result: await attempt(), retried: true };
  }
}

describe('DPoP (RFC 9449) with server nonces', () => {
  it('asks for its nonce, then binds the access token (cnf.jkt, token_type DPoP) and the refresh token', async () => {
    expect(as.dpop_signing_alg_values_supported).toContain('ES256');
    const keyPair = await oauth.generateKeyPair('ES256');
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    const dpop = oauth.DPoP(spa, keyPair);
    const { params, verifier, expected } = await signedInCallback({ resource: DEFAULT_RESOURCE });

    // The first proof carries no nonce: the server answers use_dpop_nonce with a DPoP-Nonce header.
    let first = true;
    const { result: tokens, retried } = await withNonceRetry(async () => {
      const response = await oauth.authorizationCodeGrantRequest(as, spa, oauth.None(), params, REDIRECT_URI, verifier, { ...http, DPoP: dpop });
      if (first) {
        first = false;
        const refusal = seen.at(-1);
        expect(refusal?.status).toBe(400);
        expect(refusal?.body).toMatchObject({ error: 'use_dpop_nonce' });
        expect(refusal?.headers.get('dpop-nonce')).toEqual(expect.any(String));
        // A browser app can read the nonce: CORS exposes the header to the app's origin.
        expect(refusal?.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
        expect(refusal?.headers.get('access-control-expose-headers')).toMatch(/DPoP-Nonce/i);
      }
      return oauth.processAuthorizationCodeResponse(as, spa, response, expected);
    });
    expect(retried).toBe(true);
    expect(seen.at(-1)?.body).toMatchObject({ token_type: 'DPoP' });
    expect(tokens.token_type).toBe('dpop');
    const at = await verifyJwt(server.issuer, tokens.access_token);
    expect(at.payload).toMatchObject({ aud: DEFAULT_RESOURCE, sub: 'demo-user', cnf: { jkt } });
    const refreshToken = tokens.refresh_token as string;
    expect(refreshToken).toEqual(expect.any(String));

    // The public client's refresh token is bound to the key: without a proof it is refused …
    const bare = await tokenRequest(server.issuer, { grant_type: 'refresh_token', client_id: spa.client_id, refresh_token: refreshToken });
    expect(bare.status).toBe(400);
    expect(bare.json['error']).toBe('invalid_grant');

    // … with a proof of another key too …
    const otherKey = oauth.DPoP(spa, await oauth.generateKeyPair('ES256'));
    await expect(
      withNonceRetry(async () =>
        oauth.processRefreshTokenResponse(as, spa, await oauth.refreshTokenGrantRequest(as, spa, oauth.None(), refreshToken, { ...http, DPoP: otherKey })),
      ),
    ).rejects.toMatchObject({ error: 'invalid_grant' });

    // … and with the bound key's proof (the nonce is known now) it rotates, still bound.
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      spa,
      await oauth.refreshTokenGrantRequest(as, spa, oauth.None(), refreshToken, { ...http, DPoP: dpop }),
    );
    expect(refreshed.token_type).toBe('dpop');
    expect(refreshed.refresh_token).not.toBe(refreshToken);
    const at2 = await verifyJwt(server.issuer, refreshed.access_token);
    expect(at2.payload['cnf']).toEqual({ jkt });
  });

  it('stays Bearer for a token request without a DPoP header', async () => {
    const { params, verifier, expected } = await signedInCallback();
    const response = await oauth.authorizationCodeGrantRequest(as, spa, oauth.None(), params, REDIRECT_URI, verifier, http);
    const tokens = await oauth.processAuthorizationCodeResponse(as, spa, response, expected);
    expect(tokens.token_type).toBe('bearer');
    const at = await verifyJwt(server.issuer, tokens.access_token);
    expect(at.payload['cnf']).toBeUndefined();
    const refreshed = await tokenRequest(server.issuer, { grant_type: 'refresh_token', client_id: spa.client_id, refresh_token: tokens.refresh_token as string });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json['token_type']).toBe('Bearer');
  });

  it('accepts proofs without a nonce when started with dpopNonce: false', async () => {
    const relaxed = await startDevServer({ port: 0, dpopNonce: false });
    try {
      const issuer = new URL(relaxed.issuer);
      const meta = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
      const { callbackUrl, verifier, state } = await authorize({ issuer: relaxed.issuer, scope: 'notes:read' });
      const params = oauth.validateAuthResponse(meta, spa, callbackUrl, state);
      const dpop = oauth.DPoP(spa, await oauth.generateKeyPair('ES256'));
      const response = await oauth.authorizationCodeGrantRequest(meta, spa, oauth.None(), params, REDIRECT_URI, verifier, { ...http, DPoP: dpop });
      const tokens = await oauth.processAuthorizationCodeResponse(meta, spa, response);
      expect(tokens.token_type).toBe('dpop');
    } finally {
      await relaxed.stop();
    }
  });
});

describe('pushed authorization requests (RFC 9126)', () => {
  it('returns a request_uri that /auth accepts with client_id alone (notes-spa-par)', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      spaPar,
      await oauth.pushedAuthorizationRequest(
        as,
        spaPar,
        oauth.None(),
        {
          response_type: 'code',
          redirect_uri: REDIRECT_URI,
          scope: 'openid offline_access notes:read',
          state,
          nonce,
          code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          resource: DEFAULT_RESOURCE,
        },
        http,
      ),
    );
    expect(seen.at(-1)?.url).toBe(`${server.issuer}/request`);
    expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(pushed.expires_in).toBeGreaterThan(0);

    const start = new URL(as.authorization_endpoint as string);
    start.search = new URLSearchParams({ client_id: spaPar.client_id, request_uri: pushed.request_uri }).toString();
    const { callbackUrl, pages } = await followAuthorization(start, { redirectUri: REDIRECT_URI });
    expect(pages[0]).toContain('Notes (pushed authorization requests)');
    const params = oauth.validateAuthResponse(as, spaPar, callbackUrl, state);

    // A request_uri is good for one authorization request.
    const reused = await fetch(start, { redirect: 'manual' });
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain('invalid_request_uri');

    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      spaPar,
      await oauth.authorizationCodeGrantRequest(as, spaPar, oauth.None(), params, REDIRECT_URI, verifier, http),
      { expectedNonce: nonce },
    );
    const at = await verifyJwt(server.issuer, tokens.access_token);
    expect(at.payload).toMatchObject({ aud: DEFAULT_RESOURCE, client_id: 'notes-spa-par', scope: 'notes:read' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('refuses notes-spa-par at the authorization endpoint without PAR', async () => {
    const res = await fetch(authorizationUrl(server.issuer, { client_id: spaPar.client_id }), { redirect: 'manual' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') as string);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/Pushed Authorization Request must be used/);

    // notes-spa itself still may send its request on the front channel (the other tests do).
    expect(as.require_pushed_authorization_requests).not.toBe(true);
    const plain = await authorize({ issuer: server.issuer, clientId: spa.client_id });
    expect(plain.callbackUrl.searchParams.get('code')).toBeTruthy();
  });

  it('signIn({ par: true }) pushes the request first', async () => {
    const tokens = await signIn({ issuer: server.issuer, clientId: CLIENTS.spaPar.clientId, par: true, scope: 'openid notes:read' });
    const { payload } = await verifyJwt(server.issuer, tokens.access_token);
    expect(payload).toMatchObject({ aud: DEFAULT_RESOURCE, client_id: 'notes-spa-par' });
  });
});

describe('a second API (tags) as a resource indicator (RFC 8707)', () => {
  it('is advertised in scopes_supported', () => {
    expect(as.scopes_supported).toEqual(expect.arrayContaining(['tags:read', 'notes:read']));
  });

  it('gives a refresh with resource= a token for that API (RFC 8707 §2.2)', async () => {
    const { params, verifier, expected } = await signedInCallback({
      resource: [DEFAULT_RESOURCE, DEFAULT_TAGS_RESOURCE],
      scope: 'openid offline_access notes:read notes:write tags:read',
    });
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      spa,
      await oauth.authorizationCodeGrantRequest(as, spa, oauth.None(), params, REDIRECT_URI, verifier, http),
      expected,
    );
    // Without resource= the code goes to the notes API, as before.
    expect((await verifyJwt(server.issuer, tokens.access_token)).payload).toMatchObject({ aud: DEFAULT_RESOURCE, scope: 'notes:read notes:write' });

    let refreshToken = tokens.refresh_token as string;
    const refresh = async (resource: string) => {
      const res = await oauth.refreshTokenGrantRequest(as, spa, oauth.None(), refreshToken, { ...http, additionalParameters: { resource } });
      const out = await oauth.processRefreshTokenResponse(as, spa, res);
      refreshToken = out.refresh_token as string;
      return (await verifyJwt(server.issuer, out.access_token)).payload;
    };
    expect(await refresh(DEFAULT_TAGS_RESOURCE)).toMatchObject({ aud: DEFAULT_TAGS_RESOURCE, scope: 'tags:read', sub: 'demo-user', client_id: 'notes-spa' });
    expect(await refresh(DEFAULT_RESOURCE)).toMatchObject({ aud: DEFAULT_RESOURCE, scope: 'notes:read notes:write' });
    expect(await refresh(DEFAULT_TAGS_RESOURCE)).toMatchObject({ aud: DEFAULT_TAGS_RESOURCE, scope: 'tags:read' });
  });

  it('refuses a refresh for an API the sign-in did not ask for', async () => {
    const { params, verifier } = await signedInCallback({ resource: DEFAULT_RESOURCE, scope: 'offline_access notes:read' });
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      spa,
      await oauth.authorizationCodeGrantRequest(as, spa, oauth.None(), params, REDIRECT_URI, verifier, http),
    );
    const res = await tokenRequest(server.issuer, {
      grant_type: 'refresh_token',
      client_id: spa.client_id,
      refresh_token: tokens.refresh_token as string,
      resource: DEFAULT_TAGS_RESOURCE,
    });
    expect(res.status).toBe(400);
    expect(res.json['error']).toBe('invalid_target');
  });

  it('defaults the resource to the tags API when only its scope is asked for', async () => {
    const tokens = await signIn({ issuer: server.issuer, scope: 'openid tags:read' });
    expect((await verifyJwt(server.issuer, tokens.access_token)).payload).toMatchObject({ aud: DEFAULT_TAGS_RESOURCE, scope: 'tags:read' });
  });

  it('grants tags:read to notes-spa-par, not to notes-web or notes-machine', async () => {
    const par = await signIn({ issuer: server.issuer, clientId: CLIENTS.spaPar.clientId, par: true, resource: DEFAULT_TAGS_RESOURCE, scope: 'openid tags:read' });
    expect((await verifyJwt(server.issuer, par.access_token)).payload).toMatchObject({ aud: DEFAULT_TAGS_RESOURCE, client_id: 'notes-spa-par' });
    const web = await authorize({ issuer: server.issuer, clientId: CLIENTS.web.clientId, redirectUri: 'http://127.0.0.1:5174/callback', scope: 'openid tags:read' });
    expect(web.callbackUrl.searchParams.get('error')).toBe('invalid_scope');
    const machine = await tokenRequest(
      server.issuer,
      { grant_type: 'client_credentials', scope: 'tags:read', resource: DEFAULT_TAGS_RESOURCE },
      { clientId: CLIENTS.machine.clientId, clientSecret: CLIENTS.machine.clientSecret },
    );
    expect(machine.json['error']).toBe('invalid_scope');
  });

  it('takes its URL and scopes from the options', async () => {
    const custom = await startDevServer({ port: 0, tagsResource: 'http://127.0.0.1:7002', tagsScopes: 'labels:read' });
    try {
      expect(custom.tagsResource).toBe('http://127.0.0.1:7002');
      const tokens = await signIn({ issuer: custom.issuer, scope: 'openid labels:read', resource: 'http://127.0.0.1:7002' });
      expect((await verifyJwt(custom.issuer, tokens.access_token)).payload).toMatchObject({ aud: 'http://127.0.0.1:7002', scope: 'labels:read' });
    } finally {
      await custom.stop();
    }
    await expect(startDevServer({ port: 0, tagsResource: DEFAULT_RESOURCE })).rejects.toThrow(/must differ/);
  });
});
