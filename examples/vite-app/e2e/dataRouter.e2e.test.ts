/**
 * The data-router variant of the app (VITE_AUTH_ROUTER=data: createBrowserRouter with
 * `requireAuth` and `callbackLoader` of @pkce-auth/react/router), built with React's development
 * build so StrictMode replays every effect, in Chromium against the real authorization server:
 * the guarded route never renders signed out, the callback exchanges its code exactly once and
 * replaces itself in the history, and a denied consent reaches the route's errorElement in words.
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

/** Init script: flags any moment the notes page is in the document while the status is not `authenticated`. */
function installGuardProbe(): void {
  const w = window as unknown as { __renderedSignedOut: string[] };
  w.__renderedSignedOut = [];
  new MutationObserver(() => {
    if (!document.querySelector('[data-testid="notes-page"]')) return;
    const status = document.querySelector('[data-testid="auth-status"]')?.textContent ?? 'none';
    if (status !== 'authenticated') w.__renderedSignedOut.push(status);
  }).observe(document, { childList: true, subtree: true, characterData: true });
}

const suite = useStackAndBrowser(() => startStack({ storage: 'session', router: 'data', nodeEnv: 'development' }));

async function newPage() {
  const context = await suite.newContext();
  await context.addInitScript(installGuardProbe);
  const consoleEntries = watchConsole(context);
  const page = await context.newPage();
  return { page, consoleEntries, log: recordRequests(page, suite.stack()) };
}

describe('data router (createBrowserRouter + requireAuth/callbackLoader, StrictMode, development build)', () => {
  it('/notes signed out goes to sign in, the callback exchanges once and replaces itself with /notes?x=1', async () => {
    const { page, consoleEntries, log } = await newPage();
    await page.goto(`${suite.stack().appUrl}/notes?x=1`);
    await signIn(page, suite.stack());
    const backAt = Date.now();
    await page.getByTestId('notes-page').waitFor();
    const ms = Date.now() - backAt;
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/notes?x=1');
    await sleep(1000);

    expect(log.token('authorization_code')).toHaveLength(1);
    expect(suite.stack().grants('authorization_code')).toBeGreaterThanOrEqual(1);
    expect(await page.evaluate(() => (window as unknown as { __renderedSignedOut: string[] }).__renderedSignedOut)).toEqual([]);
    const authorize = log.navigations().filter((r) => new URL(r.url).origin === new URL(suite.stack().issuer).origin && new URL(r.url).pathname === '/auth' && r.method === 'GET');
    expect(authorize.filter((r) => new URL(r.url).searchParams.has('client_id'))).toHaveLength(1);
    const callbackLoads = log.navigations().filter((r) => new URL(r.url).pathname === '/callback');
    expect(callbackLoads).toHaveLength(1);
    report(`data router: ${ms} ms from the redirect back to the notes page rendered; token requests ${log.token().length} (authorization_code ${log.token('authorization_code').length})`);
    expect(consoleEntries).toEqual([]);

    // `replace`: Back leaves for the sign-in pages; it does not land on the spent callback URL.
    await page.goBack({ waitUntil: 'commit' });
    expect(page.url()).not.toContain(`${suite.stack().appUrl}/callback`);
  });

  it('denied consent: the callback route\'s errorElement says "You cancelled sign-in." and nothing loops', async () => {
    const { page, log } = await newPage();
    await page.goto(`${suite.stack().appUrl}/profile`);
    await signIn(page, suite.stack(), { consent: 'deny' });
    await page.getByTestId('sign-in-problem').waitFor();
    expect(await page.getByTestId('sign-in-problem-words').textContent()).toBe('You cancelled sign-in.');
    expect(await page.getByTestId('sign-in-problem').getAttribute('data-error-code')).toBe('authorization_error');
    const backAt = Date.now();
    await sleep(1500);
    expect(log.toIssuer(backAt)).toEqual([]);
    expect(log.token()).toEqual([]);
  });
});
