// Every HTML page of the dev server refuses to be framed (clickjacking): its own interaction
// pages and oidc-provider's rendered ones alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../index.js';
import type { DevServer } from '../index.js';
import { authorize, CookieJar } from '../signIn.js';
import { authorizationUrl } from './flow.js';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0 });
});

afterAll(async () => {
  await server.stop();
});

function expectNoFraming(res: Response): void {
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
}

/** Follows redirects by hand, keeping the session cookies, up to the first page. */
async function open(url: string | URL, jar: CookieJar, init: RequestInit = {}): Promise<Response> {
  let res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: jar.header(), accept: 'text/html' } });
  for (let hop = 0; hop < 10 && res.status >= 300 && res.status < 400; hop++) {
    jar.store(res);
    url = new URL(res.headers.get('location') ?? '', url);
    res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(), accept: 'text/html' } });
  }
  jar.store(res);
  return res;
}

function interactionUid(html: string): string {
  return /action="\/interaction\/([^/"]+)\//.exec(html)?.[1] as string;
}

function postForm(url: string, jar: CookieJar, form: Record<string, string>): Promise<Response> {
  return open(url, jar, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
}

describe('X-Frame-Options and CSP frame-ancestors on every HTML page', () => {
  it('login, wrong-password and consent pages', async () => {
    const jar = new CookieJar();
    const login = await open(authorizationUrl(server.issuer), jar);
    const uid = interactionUid(await login.text());
    expectNoFraming(login);

    const wrong = await postForm(`${server.issuer}/interaction/${uid}/login`, jar, { username: 'demo', password: 'wrong' });
    expect(wrong.status).toBe(401);
    expectNoFraming(wrong);

    const consent = await postForm(`${server.issuer}/interaction/${uid}/login`, jar, { username: 'demo', password: 'demo' });
    expect(await consent.text()).toContain('>Allow</button>');
    expectNoFraming(consent);
  });

  it('the interaction pages for an unknown or expired sign-in', async () => {
    const res = await open(`${server.issuer}/interaction/unknown-uid`, new CookieJar());
    expect(res.status).toBe(400);
    expectNoFraming(res);
  });

  it('the end-session page and the signed-out page', async () => {
    const { jar } = await authorize({ issuer: server.issuer });
    const end = await open(`${server.issuer}/session/end`, jar);
    const html = await end.text();
    expect(html).toContain('id="logout"');
    expectNoFraming(end);

    const action = /action="([^"]+)"/.exec(html)?.[1] as string;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const signedOut = await postForm(new URL(action, server.issuer).href, jar, { xsrf, logout: 'yes' });
    expect(await signedOut.text()).toContain('id="signed-out"');
    expectNoFraming(signedOut);
  });

  it("oidc-provider's self-submitting end-session form when there is no session", async () => {
    const res = await open(`${server.issuer}/session/end`, new CookieJar());
    expect(await res.text()).toContain('document.forms[0].submit()');
    expectNoFraming(res);
  });

  it("oidc-provider's error page", async () => {
    const res = await open(authorizationUrl(server.issuer, { client_id: 'no-such-client' }), new CookieJar());
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('invalid_client');
    expectNoFraming(res);
  });
});
