/** Test helpers: a public client (oauth4webapi) signing in, refreshing and logging out at a profile of the dev server. */
import * as oauth from 'oauth4webapi';
import { CookieJar, followAuthorization } from '../signIn.js';

export const REDIRECT_URI = 'http://localhost:5173/callback';
export const POST_LOGOUT_URI = 'http://localhost:5173/';
export const client: oauth.Client = { client_id: 'notes-spa', token_endpoint_auth_method: 'none' };
export const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** The discovery document, checked by oauth4webapi (issuer, shape). */
export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  return oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, insecure));
}

/** Where a sign-in ended: the redirect's parameters, the tokens, and the browser session's cookies. */
export interface SignedIn {
  callback: URL;
  tokens: oauth.TokenEndpointResponse;
  jar: CookieJar;
}

/** Signs `demo` in through the discovered authorization endpoint and redeems the code with oauth4webapi. */
export async function signInAt(as: oauth.AuthorizationServer, extra: Record<string, string> = {}): Promise<SignedIn> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint as string);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile offline_access notes:read',
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  const jar = new CookieJar();
  const { callbackUrl } = await followAuthorization(url, { redirectUri: REDIRECT_URI, jar });
  const params = oauth.validateAuthResponse(as, client, callbackUrl, state);
  const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT_URI, verifier, insecure);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, res, { expectedNonce: nonce });
  return { callback: callbackUrl, tokens, jar };
}

/** A refresh grant: the token response, or the error's code. */
export async function refresh(as: oauth.AuthorizationServer, refreshToken: string): Promise<oauth.TokenEndpointResponse | string> {
  const res = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, insecure);
  try {
    return await oauth.processRefreshTokenResponse(as, client, res);
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError) return err.error;
    throw err;
  }
}

/** The claims of a JWT, unverified (its signature is checked by the code that got it). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * Follows a logout URL with the session's cookies: the dev server's end-session page confirms
 * (as its script would), and the redirect after it is returned.
 */
export async function logoutAt(start: string, jar: CookieJar): Promise<{ status: number; location: string | null; html: string }> {
  let url = new URL(start);
  for (let hop = 0; hop < 5; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(), accept: 'text/html' } });
    jar.store(res);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location') ?? '', url);
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"[^>]*id="op\.logoutForm"|<form[^>]*id="op\.logoutForm"[^>]*action="([^"]+)"/.exec(html);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !xsrf) return { status: res.status, location: null, html };
    const confirm = await fetch(new URL(action[1] ?? action[2] ?? '', url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    jar.store(confirm);
    return { status: confirm.status, location: confirm.headers.get('location'), html };
  }
  throw new Error('logout: too many redirects');
}
