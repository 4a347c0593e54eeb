/**
 * Two tabs sharing one session (storage 'local') with 10-second access tokens: one refresh for
 * both tabs at the shared due time, logout in one tab signs the other out, and a bounded number
 * of attempts while the authorization server is down.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  closeQuietly,
  DEMO,
  dueAtOf,
  dumpPages,
  installLockProbe,
  installStatusProbe,
  launchBrowser,
  lockRequests,
  recordRequests,
  report,
  SESSION_KEY,
  signIn,
  sleep,
  startStack,
  statusLog,
  storageDump,
  storedSession,
  waitUntil,
  type RequestLog,
  type Stack,
} from './harness';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const TTL_SECONDS = 10;

let stack: Stack | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];

async function newContext(): Promise<BrowserContext> {
  const context = await (browser as Browser).newContext();
  context.setDefaultTimeout(15_000);
  await context.addInitScript(installLockProbe);
  await context.addInitScript(installStatusProbe);
  contexts.push(context);
  return context;
}

beforeAll(async () => {
  const t = Date.now();
  stack = await startStack({ storage: 'local', accessTokenTtl: TTL_SECONDS });
  browser = await launchBrowser();
  report(`tabs: stack + browser up in ${Date.now() - t} ms (storage local, ${TTL_SECONDS} s tokens)`);
});

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await dumpPages(task.name, contexts);
});

afterAll(async () => {
  await closeQuietly(...contexts.splice(0), browser);
  await stack?.stop();
});

describe('two tabs, one session (storage: local)', () => {
  let context: BrowserContext;
  let tab1: Page;
  let tab2: Page;
  let log: RequestLog;

  it('11. the second tab is signed in without a login; at the shared due time ONE refresh serves both tabs', async () => {
    context = await newContext();
    tab1 = await context.newPage();
    log = recordRequests(tab1, stack!);
    await tab1.goto(`${stack!.appUrl}/notes`);
    await signIn(tab1, stack!);
    await tab1.getByTestId('notes-page').waitFor();
    const signedInAt = Date.now();

    tab2 = await context.newPage();
    log.add(tab2);
    await tab2.goto(`${stack!.appUrl}/notes`);
    await tab2.getByTestId('notes-page').waitFor();
    await tab2.getByTestId('notes-list').waitFor({ state: 'attached' });
    expect(await tab2.getByTestId('user-name').textContent()).toBe(DEMO.name);
    // No login in tab 2: it never went to the authorization server, nor asked for a token.
    expect(log.all.filter((r) => r.page === tab2 && new URL(r.url).origin === stack!.issuer)).toEqual([]);
    expect(log.token()).toHaveLength(1); // tab 1's code exchange

    // A slow token endpoint (1 s) for refreshes, so that whichever tab fires first is still
    // waiting for its answer when the other tab's timer fires: the race is certain, not luck.
    await context.route(stack!.tokenEndpoint, async (route) => {
      if (new URLSearchParams(route.request().postData() ?? '').get('grant_type') !== 'refresh_token') return route.continue();
      const response = await route.fetch();
      await sleep(1000);
      return route.fulfill({ response });
    });

    const first = (await storedSession(tab1))!;
    expect(first.tokens.refreshToken).toBeTruthy();
    const dueAt = dueAtOf(first);
    expect(await tab2.getByTestId('token-expiry').getAttribute('data-expires-at')).toBe(String(first.tokens.expiresAt));
    expect(Date.now()).toBeLessThan(dueAt - 500); // both tabs are up before the due time

    // Both tabs' background timers fire at the same due time.
    await waitUntil(() => log.token('refresh_token').length > 0, dueAt - Date.now() + 10_000, 'a refresh request');
    await sleep(2000); // the first answer comes after 1 s: room for a second (wrong) refresh
    const refreshes = log.token('refresh_token');
    const locks1 = (await lockRequests(tab1)).filter((l) => l.name.endsWith(':refresh'));
    const locks2 = (await lockRequests(tab2)).filter((l) => l.name.endsWith(':refresh'));
    report(
      `tabs: ${refreshes.length} refresh request(s) across both tabs (sent by tab ${refreshes[0]?.page === tab1 ? 1 : 2}, ${Math.round(refreshes[0]!.at - dueAt)} ms after the due time); ` +
        `refresh lock asked by tab 1 at ${locks1.map((l) => `${l.at - Math.round(dueAt)} ms`).join(', ') || 'never'}, ` +
        `by tab 2 at ${locks2.map((l) => `${l.at - Math.round(dueAt)} ms`).join(', ') || 'never'} (relative to the due time); ` +
        `server-side refresh grants: ${stack!.grants('refresh_token', signedInAt)}`,
    );
    for (const r of refreshes) {
      const response = await r.request.response().catch(() => null);
      report(
        `tabs: refresh by tab ${r.page === tab1 ? 1 : 2} at ${Math.round(r.at - dueAt)} ms: ${response ? `HTTP ${response.status()}` : `failed (${r.failure ?? '?'})`} ` +
          `token …${(new URLSearchParams(r.postData ?? '').get('refresh_token') ?? '').slice(-6)}`,
      );
    }
    report(`tabs: server events ${JSON.stringify(stack!.events.filter((e) => e.at >= signedInAt).map((e) => [e.type, e.grantType ?? e.error ?? '', Math.round(e.at - dueAt)]))}`);
    expect(refreshes).toHaveLength(1);
    expect(stack!.grants('refresh_token', signedInAt)).toBe(1);
    expect(stack!.events.filter((e) => e.type === 'grant.error')).toEqual([]);
    expect((await refreshes[0]!.request.response())?.status()).toBe(200);
    // Both tabs reached for the refresh at the due time, while the first request was in flight.
    const inFlight = (l: { at: number }) => l.at >= refreshes[0]!.at - 1000 && l.at <= refreshes[0]!.at + 900;
    expect(locks1.filter(inFlight).length).toBeGreaterThanOrEqual(1);
    expect(locks2.filter(inFlight).length).toBeGreaterThanOrEqual(1);

    // Both tabs are on the new token, in storage and on screen, and still signed in.
    const [s1, s2] = [(await storedSession(tab1))!, (await storedSession(tab2))!];
    expect(s1.tokens.accessToken).not.toBe(first.tokens.accessToken);
    expect(s2.tokens.accessToken).toBe(s1.tokens.accessToken);
    const tail = `…${s1.tokens.accessToken.slice(-12)}`;
    await expect.poll(() => tab1.getByTestId('token-tail').textContent()).toContain(tail);
    await expect.poll(() => tab2.getByTestId('token-tail').textContent()).toContain(tail);
    for (const tab of [tab1, tab2]) {
      expect(await tab.getByTestId('auth-status').textContent()).toBe('authenticated');
      expect(await tab.getByTestId('auth-error').count()).toBe(0);
    }
  });

  it('12. logging out in one tab signs the other tab out, without a reload', async () => {
    expect(tab1, 'test 11 signed both tabs in').toBeDefined();
    // Tab 2 leaves the guarded page inside the app (no reload), then stays put.
    await tab2.getByRole('link', { name: 'Home' }).click();
    await tab2.waitForURL(`${stack!.appUrl}/`);
    await tab2.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
    expect(await tab2.getByTestId('auth-status').textContent()).toBe('authenticated');
    let before = Date.now();

    await tab1.bringToFront();
    const logoutButton = tab1.getByTestId('logout-button');
    await logoutButton.waitFor();
    before = Date.now();
    await logoutButton.click();
    const clickReturnedAt = Date.now();
    await context.unroute(stack!.tokenEndpoint);
    await tab2.getByTestId('auth-status').filter({ hasText: /^unauthenticated$/ }).waitFor({ timeout: 5_000 });
    const signedOutAt = Date.now();
    // Tab 1 leaves for the end-session endpoint only after the revocation: it may be on the app's
    // home page, and unauthenticated there, before it goes. Wait for the trip itself.
    const tab1Trip = () => log.navigations(before).filter((r) => r.page === tab1).map((r) => new URL(r.url));
    await waitUntil(() => {
      const trip = tab1Trip();
      const out = trip.findIndex((u) => u.pathname === '/session/end');
      return out >= 0 && trip.slice(out + 1).some((u) => u.origin === stack!.appUrl);
    }, 15_000, 'tab 1 to the end-session endpoint and back to the app');
    await tab1.waitForURL(`${stack!.appUrl}/`);
    await tab1.getByTestId('auth-status').filter({ hasText: /^unauthenticated$/ }).waitFor();

    // Tab 1 went to the end-session endpoint and back, and started no new login on the way.
    const tab1Navs = log.navigations(before).filter((r) => r.page === tab1).map((r) => new URL(r.url).pathname);
    expect(tab1Navs).toContain('/session/end');
    expect(tab1Navs).not.toContain('/auth');
    expect(await tab2.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(log.navigations(before).filter((r) => r.page === tab2)).toEqual([]);
    expect(await tab2.getByTestId('login-button').count()).toBe(1);
    expect(await tab2.getByTestId('user-name').count()).toBe(0);
    const stored = await storageDump(tab2);
    expect(stored.local[SESSION_KEY]).toBeUndefined();
    expect(log.all.filter((r) => r.url === `${stack!.issuer}/token/revocation` && r.at >= before)).toHaveLength(1);
    const flipped = (await statusLog(tab2)).find((e) => e.text === 'unauthenticated' && e.at >= before);

    const visibility = await tab2.evaluate(() => document.visibilityState);
    report(
      `tabs: the other tab (${visibility}) showed unauthenticated ${flipped ? flipped.at - before : '?'} ms after the test asked for the logout click ` +
        `(click() returned after ${clickReturnedAt - before} ms; the test saw the flip after ${signedOutAt - before} ms)`,
    );
    await closeQuietly(context);
  });

  it('13. with the authorization server down, a due tab makes at most 5 refresh attempts (requests to the server)', async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    const requests = recordRequests(page, stack!);
    await page.goto(`${stack!.appUrl}/notes`);
    await signIn(page, stack!);
    await page.getByTestId('notes-page').waitFor();
    const session = (await storedSession(page))!;
    const dueAt = dueAtOf(session);

    await stack!.auth.stop();
    const stoppedAt = Date.now();
    const windowEnd = dueAt + 25_000;
    await sleep(windowEnd - Date.now());

    // A stored session carries no endpoints (format v2), and this document learnt the token
    // endpoint for its code exchange from the pending login only: its first refresh starts with
    // discovery. With the server down that discovery fails, so an attempt is one failed request
    // to the authorization server (discovery, or the token request once metadata is known).
    const attempts = requests.toIssuer(stoppedAt);
    const tokenRequests = requests.token('refresh_token', stoppedAt);
    const discoveries = requests.discovery(stoppedAt);
    const failed = requests.failed.filter((r) => new URL(r.url).origin === stack!.issuer && r.at >= stoppedAt);
    const errorShown = (await page.getByTestId('auth-error').count()) ? await page.getByTestId('auth-error').textContent() : null;
    report(
      `server down: ${attempts.length} request(s) to the authorization server in ${Math.round((windowEnd - stoppedAt) / 1000)} s after the stop ` +
        `(${discoveries.length} discovery, ${tokenRequests.length} token; ${failed.length} failed: ${[...new Set(failed.map((r) => r.failure))].join(', ')}), ` +
        `at ${attempts.map((r) => `${((r.at - dueAt) / 1000).toFixed(1)} s`).join(', ')} from the due time; ` +
        `status now ${await page.getByTestId('auth-status').textContent()}, error shown: ${JSON.stringify(errorShown)}`,
    );
    expect(attempts.length).toBeGreaterThanOrEqual(1); // it did try once the token was due...
    expect(attempts.length).toBeLessThanOrEqual(5); // ...and did not storm the server
    expect(attempts.every((r) => r.at >= dueAt - 50), 'no attempt before the due time').toBe(true);
    expect(discoveries.length + tokenRequests.length).toBe(attempts.length); // nothing else was asked
    expect(failed).toHaveLength(attempts.length);
    // The failure is not swallowed: the app shows the SDK's network_error.
    expect(errorShown).toContain('network_error');
  });
});
