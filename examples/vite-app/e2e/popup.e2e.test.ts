/**
 * "Sign in in a popup" (loginWithPopup, issue 13) in Chromium against the real authorization
 * server, with the app served as a site that isolates itself would be:
 * `Cross-Origin-Opener-Policy: same-origin-allow-popups` on every document of its origin (the
 * callback page in the popup too, which severs the popup from its opener on the way back).
 * The sign-in keeps the page (no navigation of the opener), makes exactly one token request, and
 * a popup closed early ends as "cancelled" with no pending login left; sign-in and sign-out leave
 * the console clean.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import {
  recordRequests,
  report,
  signIn,
  startStack,
  storageDump,
  waitUntil,
  watchConsole,
} from './harness';
import { useStackAndBrowser } from './browserSuite';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const COOP = 'same-origin-allow-popups';
const PENDING_KEY = 'pkce-auth:notes-spa:pending';

const suite = useStackAndBrowser(async () => {
  const started = await startStack({ storage: 'session' });
  started.app.headers['Cross-Origin-Opener-Policy'] = COOP;
  return started;
});

/** A fresh context on the home page, unauthenticated, with its requests and console recorded. */
async function onHome() {
  const context = await suite.newContext();
  const consoleEntries = watchConsole(context);
  const page = await context.newPage();
  const log = recordRequests(page, suite.stack());
  context.on('page', (p) => {
    if (p !== page) log.add(p);
  });
  const response = await page.goto(`${suite.stack().appUrl}/notes-draft`);
  expect(response?.headers()['cross-origin-opener-policy']).toBe(COOP);
  await page.getByTestId('auth-status').filter({ hasText: 'unauthenticated' }).waitFor();
  return { context, page, log, consoleEntries };
}

/** Clicks "Sign in in a popup" and returns the popup window. */
async function openPopup(page: Page): Promise<Page> {
  const popup = page.waitForEvent('popup');
  await page.getByTestId('popup-login-button').click();
  return popup;
}

describe('sign-in in a popup (COOP same-origin-allow-popups)', () => {
  it('signs in without leaving the page: one token request, the popup closes, the console stays clean through sign-out', async () => {
    const { page, log, consoleEntries } = await onHome();
    // State of the page that a redirect login would lose.
    await page.evaluate(() => ((window as unknown as { __kept: string }).__kept = 'still here'));

    const t0 = Date.now();
    const popup = await openPopup(page);
    // The popup closes itself right after the redirect back: signIn's last wait may see it go.
    await signIn(popup, suite.stack()).catch((error: unknown) => {
      if (!popup.isClosed()) throw error;
    });
    await page.getByTestId('auth-status').filter({ hasText: /^authenticated$/ }).waitFor();
    const authenticatedAt = Date.now();
    const ms = authenticatedAt - t0;
    await waitUntil(() => popup.isClosed(), 5_000, 'the popup to close itself');
    const back = log.navigations(t0).find((r) => r.page !== page && r.url.startsWith(`${suite.stack().appUrl}/callback?`));
    expect(back, 'the popup came back to the redirect URI').toBeDefined();

    expect(await page.evaluate(() => (window as unknown as { __kept?: string }).__kept)).toBe('still here');
    expect(new URL(page.url()).pathname).toBe('/notes-draft');
    expect(log.navigations(t0).filter((r) => r.page === page).map((r) => r.url)).toEqual([]);
    expect(log.token('authorization_code')).toHaveLength(1);
    expect(log.token('authorization_code')[0]!.page).toBe(page);
    expect(suite.stack().grants('authorization_code', t0)).toBe(1);
    expect((await storageDump(page)).session[PENDING_KEY]).toBeUndefined();
    const toIssuer = log.toIssuer(t0);
    report(
      `popup login: ${ms} ms from the click to authenticated (including the form, filled by the test), ` +
        `${authenticatedAt - back!.at} ms from the popup's redirect back to authenticated; ` +
        `${toIssuer.length} requests to the authorization server (${toIssuer.filter((r) => r.page === page).length} from the opener, ` +
        `${toIssuer.filter((r) => r.page !== page).length} from the popup); token requests: ${log.token().length}`,
    );

    // Sign-out: the console stays clean through it too.
    const signOutAt = Date.now();
    await page.getByTestId('logout-button').click();
    // The page is on / already: wait for the trip to the end-session endpoint and back, so the
    // console is read after the whole sign-out.
    await waitUntil(
      () => {
        const trip = log.navigations(signOutAt).filter((r) => r.page === page).map((r) => r.url);
        const out = trip.findIndex((url) => url.startsWith(`${suite.stack().issuer}/session/end`));
        return out >= 0 && trip.slice(out + 1).includes(`${suite.stack().appUrl}/`);
      },
      15_000,
      'the end-session endpoint and the return to /',
    );
    await page.waitForURL(`${suite.stack().appUrl}/`);
    await page.getByTestId('auth-status').filter({ hasText: 'unauthenticated' }).waitFor();
    const aborted = log.failed.filter((r) => r.url.includes('/token/revocation') || r.url.includes('/revoke'));
    if (aborted.length > 0) report(`sign-out: the revocation request failed in the browser (${aborted.map((r) => r.failure).join(', ')}): reported, not filtered`);
    expect(consoleEntries).toEqual([]);
  });

  it('a popup closed before signing in: the page says it was cancelled, no pending login remains', async () => {
    const { page, log, consoleEntries } = await onHome();
    const popup = await openPopup(page);
    await popup.waitForURL((url) => url.origin === new URL(suite.stack().issuer).origin && url.pathname.startsWith('/interaction/'));
    const closedAt = Date.now();
    await popup.close();

    await page.getByTestId('auth-error-words').waitFor();
    const ms = Date.now() - closedAt;
    expect(await page.getByTestId('auth-error-words').textContent()).toBe(
      'You closed the sign-in window (or the browser blocked it) before signing in.',
    );
    expect(await page.getByTestId('auth-error').textContent()).toContain('login_cancelled');
    expect(await page.getByTestId('auth-status').textContent()).toBe('unauthenticated');
    expect((await storageDump(page)).session[PENDING_KEY]).toBeUndefined();
    expect(log.token()).toEqual([]);
    report(`popup closed early: the opener showed "cancelled" ${ms} ms after the popup closed`);
    // The page can sign in again with the ordinary button, nothing left in the way.
    expect(await page.getByTestId('login-button').isEnabled()).toBe(true);
    expect(consoleEntries).toEqual([]);
  });
});
