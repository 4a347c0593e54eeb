/**
 * The Notes app through each provider preset, against the dev server in that provider's quirk
 * profile, in Chromium: sign-in at the provider's own endpoints, a reload that asks the server
 * nothing, refreshes at its token endpoint (the same refresh token again where the provider does
 * not rotate, the new one where it does), and sign-out at the provider's own logout endpoint with
 * its parameters, back to the app signed out. One app build per profile (`VITE_AUTH_PROVIDER`).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeQuietly, DEMO, dumpPages, launchBrowser, recordRequests, report, signIn, storedSession, waitUntil, type Recorded, type RequestLog } from './harness';
import { ENTRA_TENANT_ID } from '@pkce-auth/dev-server';
import { startProfileStack, type ProfileCase, type ProfileStack } from './profileStack';

vi.setConfig({ testTimeout: 45_000, hookTimeout: 120_000 });

/** Access tokens live 10 s, so the app refreshes 5 s after each token response (its leeway is half the lifetime): room for the sign-in and the reload before the first. */
const ACCESS_TOKEN_TTL = 10;

/** Where each provider has its endpoints, as its documentation lays them out (relative to the stand-in's origins). */
interface Facts {
  authorize: string;
  token: string;
  /** The revocation endpoint; none for Entra. */
  revocation: string | undefined;
  /** The logout endpoint and the parameters it gets besides `id_token_hint`. */
  logout: string;
  logoutParams: (app: string) => Record<string, string>;
}

function factsOf(profile: ProfileCase, s: ProfileStack): Facts {
  const origin = new URL(s.auth.issuer).origin;
  const rp = (app: string) => ({ post_logout_redirect_uri: `${app}/` });
  switch (profile) {
    case 'cognito': {
      const d = s.auth.endpointsOrigin;
      return { authorize: `${d}/oauth2/authorize`, token: `${d}/oauth2/token`, revocation: `${d}/oauth2/revoke`, logout: `${d}/logout`, logoutParams: (app) => ({ client_id: 'notes-spa', logout_uri: `${app}/` }) };
    }
    case 'auth0':
      return { authorize: `${origin}/authorize`, token: `${origin}/oauth/token`, revocation: `${origin}/oauth/revoke`, logout: `${origin}/v2/logout`, logoutParams: (app) => ({ client_id: 'notes-spa', returnTo: `${app}/` }) };
    case 'keycloak': {
      const oidc = `${s.auth.issuer}/protocol/openid-connect`;
      return { authorize: `${oidc}/auth`, token: `${oidc}/token`, revocation: `${oidc}/revoke`, logout: `${oidc}/logout`, logoutParams: rp };
    }
    case 'okta': {
      const v1 = `${s.auth.issuer}/v1`;
      return { authorize: `${v1}/authorize`, token: `${v1}/token`, revocation: `${v1}/revoke`, logout: `${v1}/logout`, logoutParams: rp };
    }
    case 'entra':
    case 'entra-common': {
      const v2 = `${s.issuer}/oauth2/v2.0`;
      return { authorize: `${v2}/authorize`, token: `${v2}/token`, revocation: undefined, logout: `${v2}/logout`, logoutParams: rp };
    }
  }
}

const PROFILES: ProfileCase[] = ['cognito', 'auth0', 'keycloak', 'okta', 'entra', 'entra-common'];
/** The providers whose refresh tokens rotate (a used one is spent): Auth0 and Okta for SPAs. */
const ROTATES: ProfileCase[] = ['auth0', 'okta'];

let browser: Browser | undefined;
const startedAt = Date.now();

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await closeQuietly(browser);
  report(`profiles: the file ran ${Math.round((Date.now() - startedAt) / 1000)} s`);
});

const withoutQuery = (url: string): string => url.split('?')[0]!;
const formOf = (r: Recorded): URLSearchParams => new URLSearchParams(r.postData ?? '');

describe.each(PROFILES)('the %s preset against its profile', (profile) => {
  let s: ProfileStack;
  let facts: Facts;
  let context: BrowserContext;
  let page: Page;
  let log: RequestLog;
  /** The refresh token of the sign-in's token response. */
  let firstRefresh: string;
  const toServer = (since: number): Recorded[] => log.all.filter((r) => s.authOrigins.includes(new URL(r.url).origin) && r.at >= since);
  const tokenRequests = (grant: string): Recorded[] => log.token(grant);

  beforeAll(async () => {
    s = await startProfileStack(profile, { accessTokenTtl: ACCESS_TOKEN_TTL });
    facts = factsOf(profile, s);
    context = await browser!.newContext();
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    log = recordRequests(page, { issuer: s.issuer, tokenEndpoint: facts.token });
    report(`${profile}: app built in ${s.buildMs} ms; issuer ${s.issuer}, endpoints on ${s.auth.endpointsOrigin}`);
  });
  let failed = false;
  afterEach(({ task }) => {
    failed ||= task.result?.state === 'fail';
  });
  afterAll(async () => {
    if (failed) await dumpPages(profile, [context]);
    await closeQuietly(context);
    await s?.stop();
  });

  it('signs in at the provider\'s authorization and token endpoints, and the notes API takes the token', async () => {
    await page.goto(`${s.appUrl}/notes`);
    await signIn(page, { issuer: s.auth.endpointsOrigin, appUrl: s.appUrl });
    await page.getByTestId('notes-page').waitFor();
    await expect.poll(() => page.getByTestId('user-name').textContent()).toBe(DEMO.name);

    const authorize = log.navigations().find((r) => withoutQuery(r.url) === facts.authorize);
    expect(authorize, `a navigation to ${facts.authorize}`).toBeDefined();
    const params = new URL(authorize!.url).searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('redirect_uri')).toBe(`${s.appUrl}/callback`);
    if (profile === 'auth0') expect(params.get('audience')).toBe(s.auth.resource);
    const codes = tokenRequests('authorization_code');
    expect(codes).toHaveLength(1);
    expect((await codes[0]!.request.response())?.status()).toBe(200);

    const listed = (await waitUntil(() => log.all.find((r) => r.method === 'GET' && r.url === `${s.api.url}/notes`), 10_000, 'GET /notes'))!;
    expect((await listed.request.response())?.status()).toBe(200);
    const session = (await storedSession(page))!;
    expect(session.issuer).toBe(s.issuer);
    expect(session.tokens.refreshToken, 'a refresh token').toBeTruthy();
    firstRefresh = session.tokens.refreshToken!;
    // A multi-tenant app's ID token is the tenant's: its `iss` matched the template with its `tid`.
    if (profile === 'entra-common') expect(session.user?.['tid']).toBe(ENTRA_TENANT_ID);
    const discovery = log.discovery().map((r) => r.url);
    // The Cognito preset names the endpoints (its pool's metadata lists neither revocation nor logout): no discovery.
    if (profile === 'cognito') expect(discovery).toEqual([]);
    report(`${profile}: sign-in ${log.navigations().length} navigations, discovery ${JSON.stringify(discovery)}`);
  });

  it('a reload stays signed in and sends nothing to the authorization server', async () => {
    const before = Date.now();
    await page.reload();
    await page.getByTestId('notes-page').waitFor();
    expect(await page.getByTestId('auth-status').textContent()).toBe('authenticated');
    await expect.poll(() => page.getByTestId('user-name').textContent()).toBe(DEMO.name);
    expect(toServer(before).map((r) => r.url)).toEqual([]);
  });

  it(`refreshes twice at the provider's token endpoint, ${ROTATES.includes(profile) ? 'with the rotated refresh token' : 'with the same refresh token'}`, async () => {
    const t = Date.now();
    await waitUntil(() => tokenRequests('refresh_token').length >= 2, 20_000, 'two refreshes');
    const [first, second] = tokenRequests('refresh_token') as [Recorded, Recorded];
    for (const r of [first, second]) expect((await r.request.response())?.status()).toBe(200);
    expect(formOf(first).get('refresh_token')).toBe(firstRefresh);
    expect(s.events.filter((e) => e.type === 'grant.success' && e.grantType === 'refresh_token')).toHaveLength(2);
    const issuedFirst = s.issued.filter((i) => i.grantType === 'refresh_token')[0]!;
    if (ROTATES.includes(profile)) {
      // The new refresh token is the one the second refresh presents.
      expect(issuedFirst.refreshToken).toBeTruthy();
      expect(issuedFirst.refreshToken).not.toBe(firstRefresh);
      expect(formOf(second).get('refresh_token')).toBe(issuedFirst.refreshToken);
    } else {
      // The same refresh token works again.
      expect([undefined, firstRefresh]).toContain(issuedFirst.refreshToken);
      expect(formOf(second).get('refresh_token')).toBe(firstRefresh);
    }
    // No token or API request failed (a favicon the reload aborted is not the app's doing).
    expect(log.failed.filter((r) => r.resourceType === 'fetch').map((r) => `${r.url}: ${r.failure}`)).toEqual([]);
    report(`${profile}: 2 refreshes at ${withoutQuery(first.url)} in ${Date.now() - t} ms; ${ROTATES.includes(profile) ? 'rotated' : 'same refresh token reused'}`);
  });

  it("signs out at the provider's logout endpoint with its parameters and comes back signed out", async () => {
    const refreshToken = (await storedSession(page))!.tokens.refreshToken!;
    const before = Date.now();
    await page.getByTestId('logout-button').click();
    await waitUntil(() => log.navigations(before).some((r) => withoutQuery(r.url) === facts.logout) && page.url() === `${s.appUrl}/`, 15_000, 'the logout endpoint and the return to /');
    await page.getByTestId('auth-status').filter({ hasText: 'unauthenticated' }).waitFor();
    expect(await storedSession(page)).toBeNull();

    const logout = log.navigations(before).find((r) => withoutQuery(r.url) === facts.logout)!;
    const params = Object.fromEntries(new URL(logout.url).searchParams);
    if (profile === 'cognito' || profile === 'auth0') {
      // The provider's own logout: exactly its parameters.
      expect(params).toEqual(facts.logoutParams(s.appUrl));
    } else {
      // RP-Initiated Logout 1.0.
      expect(params).toMatchObject(facts.logoutParams(s.appUrl));
      expect(params['id_token_hint']).toBeTruthy();
    }
    expect(s.events.some((e) => e.type === 'end_session.success' && e.at >= before)).toBe(true);

    const revocations = log.all.filter((r) => r.method === 'POST' && r.at >= before && /revoke|revocation/.test(r.url));
    if (facts.revocation) {
      expect(revocations.map((r) => r.url)).toEqual([facts.revocation]);
      expect(formOf(revocations[0]!).get('token')).toBe(refreshToken);
      expect((await revocations[0]!.request.response())?.status()).toBe(200);
    } else {
      expect(revocations).toEqual([]);
    }
    const navs = log.navigations(before).map((r) => withoutQuery(r.url));
    report(`${profile}: logout navigations ${JSON.stringify(navs)}`);
  });
});
