/**
 * The start-up session restore (restoreSession, issue 13; the app's VITE_AUTH_RESTORE=true) in
 * Chromium against the real authorization server: one top-level `prompt=none` round trip.
 * With a session at the server a new tab is signed in without a form and lands on the page it
 * asked for; without one it ends `unauthenticated` with no error on the same page, after exactly
 * one redirect, and a reload does not try again (once per tab session).
 */
import { describe, expect, it, vi } from 'vitest';
import {
  recordRequests,
  report,
  signIn,
  sleep,
  startStack,
  watchConsole,
} from './harness';
import { useStackAndBrowser } from './browserSuite';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const suite = useStackAndBrowser(() => startStack({ storage: 'session', restore: true }));

async function newContext() {
  const context = await suite.newContext();
  return { context, consoleEntries: watchConsole(context) };
}

const issuerOrigin = () => new URL(suite.stack().issuer).origin;

describe('restoreSession() at start-up', () => {
  it('without a session at the server: one redirect, back on the same page unauthenticated, no error; a reload tries no more', async () => {
    const { context, consoleEntries } = await newContext();
    const page = await context.newPage();
    const log = recordRequests(page, suite.stack());
    const t0 = Date.now();
    await page.goto(`${suite.stack().appUrl}/?from=restore`);
    await page.waitForURL((url) => url.pathname === '/' && url.search === '?from=restore' && log.navigations().length >= 3);
    await page.getByTestId('home-page').waitFor();
    await page.getByTestId('auth-status').filter({ hasText: 'unauthenticated' }).waitFor();
    const ms = Date.now() - t0;
    await sleep(1000);

    const toAuthorize = log.navigations().filter((r) => new URL(r.url).origin === issuerOrigin() && new URL(r.url).searchParams.has('client_id'));
    expect(toAuthorize.map((r) => new URL(r.url).searchParams.get('prompt'))).toEqual(['none']);
    const callback = log.navigations().filter((r) => new URL(r.url).pathname === '/callback');
    expect(callback).toHaveLength(1);
    expect(new URL(callback[0]!.url).searchParams.get('error')).toBe('login_required');
    expect(await page.getByTestId('auth-error').count()).toBe(0);
    expect(log.token()).toEqual([]);
    expect(new URL(page.url()).search).toBe('?from=restore');
    const toIssuer = log.toIssuer(t0);
    report(
      `restore without a session at the server: ${ms} ms from navigation start to back on the page unauthenticated; ${toIssuer.length} requests to the authorization server ` +
        `(${toIssuer.map((r) => `${r.method} ${new URL(r.url).pathname}`).join(', ')}), ${log.navigations().length} navigations in all`,
    );

    // Once per tab session: a reload does not go to the server again.
    const reloadAt = Date.now();
    await page.reload();
    await page.getByTestId('auth-status').filter({ hasText: 'unauthenticated' }).waitFor();
    await sleep(1000);
    expect(log.toIssuer(reloadAt)).toEqual([]);
    expect(consoleEntries).toEqual([]);
  });

  it('with a session at the server: a new tab is signed in without a form, on the page it asked for', async () => {
    const { context, consoleEntries } = await newContext();
    const first = await context.newPage();
    await first.goto(`${suite.stack().appUrl}/notes`);
    await signIn(first, suite.stack());
    await first.getByTestId('notes-page').waitFor();

    const page = await context.newPage();
    const log = recordRequests(page, suite.stack());
    const t0 = Date.now();
    await page.goto(`${suite.stack().appUrl}/profile?tab=claims`);
    await page.getByTestId('auth-status').filter({ hasText: /^authenticated$/ }).waitFor();
    const ms = Date.now() - t0;
    await page.waitForURL((url) => url.pathname === '/profile' && url.search === '?tab=claims');

    expect(log.all.filter((r) => new URL(r.url).pathname.startsWith('/interaction/'))).toEqual([]);
    // Authorization requests (oidc-provider's own /auth/<uid> resume hop has no client_id).
    const toAuthorize = log.navigations().filter((r) => new URL(r.url).origin === issuerOrigin() && new URL(r.url).searchParams.has('client_id'));
    expect(toAuthorize.map((r) => new URL(r.url).searchParams.get('prompt'))).toEqual(['none']);
    expect(log.token('authorization_code')).toHaveLength(1);
    const toIssuer = log.toIssuer(t0);
    report(
      `restore with a session at the server: ${ms} ms from navigation start to authenticated; ${toIssuer.length} requests to the authorization server ` +
        `(${toIssuer.map((r) => `${r.method} ${new URL(r.url).pathname}`).join(', ')}), ${log.navigations().length} navigations`,
    );
    expect(consoleEntries).toEqual([]);
  });
});
