/**
 * The Notes app in a real browser against the real authorization server and notes API:
 * sign-in, the callback's request budget, storage hygiene, notes, reload without a loading
 * flash, refresh after the token's due time, logout with revocation, a tampered `state`,
 * denied consent, and the Client Credentials export.
 *
 * Session storage ('session', the app's default).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { main as exportNotes } from '../scripts/export-notes.mjs';
import {
  closeQuietly,
  dumpPages,
  DEMO,
  launchBrowser,
  recordRequests,
  refreshDirect,
  report,
  SESSION_KEY,
  signIn,
  sleep,
  startStack,
  storageDump,
  storedSession,
  waitUntil,
  type RequestLog,
  type Stack,
} from './harness';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

/**
 * Runs in every document before the app: records every text the `auth-status` element ever
 * shows (including texts replaced within one task, via removed nodes and characterData old
 * values), and when `notes-page` first appears (ms since the document's navigation start).
 */
function installProbes(): void {
  const w = window as unknown as { __statuses: string[]; __notesVisibleAt?: number };
  w.__statuses = [];
  const statusOf = (node: Node | null): Element | null => {
    const el = node && (node.nodeType === 1 ? (node as Element) : node.parentElement);
    return el?.closest('[data-testid="auth-status"]') ?? null;
  };
  const push = (text: string | null | undefined): void => {
    if (typeof text === 'string' && w.__statuses[w.__statuses.length - 1] !== text) w.__statuses.push(text);
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'characterData') {
        if (statusOf(r.target)) {
          push(r.oldValue);
          push((r.target as CharacterData).data);
        }
        continue;
      }
      const inside = statusOf(r.target) !== null;
      if (inside) for (const n of Array.from(r.removedNodes)) push(n.textContent);
      for (const n of Array.from(r.addedNodes)) {
        if (inside) push(n.textContent);
        else if (n.nodeType === 1) {
          const el = n as Element;
          const s = el.matches('[data-testid="auth-status"]') ? el : el.querySelector('[data-testid="auth-status"]');
          if (s) push(s.textContent);
        }
      }
    }
    if (w.__notesVisibleAt === undefined && document.querySelector('[data-testid="notes-page"]')) {
      w.__notesVisibleAt = performance.now();
    }
  }).observe(document, { childList: true, subtree: true, characterData: true, characterDataOldValue: true });
}

const statuses = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);

let stack: Stack | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];

async function newPage(s: Stack = stack as Stack): Promise<{ page: Page; log: RequestLog; context: BrowserContext }> {
  const context = await (browser as Browser).newContext();
  contexts.push(context);
  context.setDefaultTimeout(15_000);
  await context.addInitScript(installProbes);
  const page = await context.newPage();
  const log = recordRequests(page, s);
  return { page, log, context };
}

/** A fresh browser context signed in as demo, on /notes with the notes loaded. */
async function signedIn(s: Stack = stack as Stack) {
  const fresh = await newPage(s);
  await fresh.page.goto(`${s.appUrl}/notes`);
  await signIn(fresh.page, s);
  await fresh.page.getByTestId('notes-page').waitFor();
  await fresh.page.getByTestId('notes-list').waitFor({ state: 'attached' });
  return fresh;
}

beforeAll(async () => {
  const t = Date.now();
  stack = await startStack({ storage: 'session' });
  browser = await launchBrowser();
  report(`login: stack (auth server, API, app build [NODE_ENV=${process.env.E2E_NODE_ENV ?? 'production'}], static server) + browser up in ${Date.now() - t} ms; app ${stack.appUrl}, issuer ${stack.issuer}`);
});

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await dumpPages(task.name, contexts);
  await closeQuietly(...contexts.splice(0));
});

afterAll(async () => {
  await closeQuietly(...contexts.splice(0), browser);
  await stack?.stop();
});

describe('sign-in (storage: session)', () => {
  it('1. /notes unauthenticated goes to the login page and comes back to /notes signed in', async () => {
    const { page, log } = await newPage();
    await page.goto(`${stack!.appUrl}/notes`);
    await signIn(page, stack!);
    await page.getByTestId('notes-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/notes');
    await expect.poll(() => page.getByTestId('user-name').textContent()).toBe(DEMO.name);
    expect(await page.getByTestId('auth-status').textContent()).toBe('authenticated');

    // The authorization request was a PKCE S256 code request for this app's redirect URI.
    const authorize = log.navigations().find((r) => new URL(r.url).origin === stack!.issuer && new URL(r.url).pathname === '/auth');
    expect(authorize, 'a navigation to the authorization endpoint').toBeDefined();
    const params = new URL(authorize!.url).searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('redirect_uri')).toBe(`${stack!.appUrl}/callback`);
    expect(params.get('state')!.length).toBeGreaterThanOrEqual(22);
  });

  it('2. from arriving at /callback to signed in: exactly one token request, no discovery', async () => {
    const { page, log } = await newPage();
    await page.goto(`${stack!.appUrl}/notes`);
    await signIn(page, stack!);
    await page.getByTestId('notes-page').waitFor();
    const end = Date.now();

    // Everything recorded from the /callback document request on (event order, not timestamps:
    // the redirect chain that leads to it can share a millisecond).
    const index = log.all.findIndex((r) => r.isNavigation && r.url.startsWith(`${stack!.appUrl}/callback?`));
    expect(index, 'the redirect to /callback').toBeGreaterThanOrEqual(0);
    const callback = log.all[index]!;
    const since = callback.at;
    const after = log.all.slice(index);
    const isToken = (r: (typeof after)[number]) => r.method === 'POST' && r.url.split('?')[0] === stack!.tokenEndpoint;
    const codeExchanges = log.token('authorization_code');
    expect(codeExchanges).toHaveLength(1);
    expect(after).toContain(codeExchanges[0]);
    expect(after.filter(isToken)).toHaveLength(1);
    expect(after.filter((r) => r.url.includes('/.well-known/openid-configuration'))).toHaveLength(0);
    // The only request to the authorization server after the redirect is the token request.
    const toIssuer = after.filter((r) => new URL(r.url).origin === stack!.issuer);
    expect(toIssuer.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([`POST ${new URL(stack!.tokenEndpoint).pathname}`]);
    // Self-check of the recorder: the login itself did discover the metadata.
    expect(log.discovery().length).toBeGreaterThanOrEqual(1);
    // The code exchange carried the verifier and the redirect URI.
    const body = new URLSearchParams(codeExchanges[0]!.postData ?? '');
    expect(body.get('code_verifier')).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(body.get('redirect_uri')).toBe(`${stack!.appUrl}/callback`);
    expect(stack!.grants('authorization_code', since)).toBe(1);

    const inPage = await page.evaluate(() => (window as unknown as { __notesVisibleAt?: number }).__notesVisibleAt);
    const byKind = (pred: (u: URL) => boolean) => after.filter((r) => pred(new URL(r.url))).length;
    report(
      `callback: ${toIssuer.length} request(s) to the authorization server (token), ` +
        `${after.length} requests in all until notes-page visible ` +
        `(app ${byKind((u) => u.origin === stack!.appUrl)}, auth server ${byKind((u) => u.origin === stack!.issuer)}, notes API ${byKind((u) => u.origin === stack!.api.url)}), ` +
        `${end - since} ms from the /callback request (${inPage === undefined ? '?' : Math.round(inPage)} ms from navigation start in the page)`,
    );
    report(`callback requests: ${after.map((r) => `${r.method} ${r.url.replace(/\?.*/, '')}`).join(', ')}`);
  });

  it('3. after sign-in no verifier or pending login is left in storage (and it lived in sessionStorage only)', async () => {
    const { page } = await newPage();
    const appOrigin = stack!.appUrl;
    // Hold the authorization request back (204: the browser stays on the app) to look at the pending login.
    let authorizeUrl: string | undefined;
    await page.route(`${stack!.issuer}/auth?*`, async (route) => {
      authorizeUrl = route.request().url();
      await route.fulfill({ status: 204 });
    });
    await page.goto(`${appOrigin}/`);
    await page.getByTestId('login-button').click();
    await waitUntil(() => authorizeUrl, 10_000, 'the authorization request');
    await page.unroute(`${stack!.issuer}/auth?*`);
    const state = new URL(authorizeUrl!).searchParams.get('state')!;
    const during = await storageDump(page);
    const pendingKeys = Object.keys(during.session).filter((k) => k.includes(':pending'));
    expect(pendingKeys, 'a pending login in sessionStorage while the login runs').toHaveLength(1);
    expect(during.session[pendingKeys[0]!]).toContain('verifier');
    expect(during.session[pendingKeys[0]!]).toContain(state);
    expect(Object.keys(during.local)).toEqual([]);

    // Now let the very same authorization request go through.
    await page.goto(authorizeUrl!);
    await signIn(page, stack!);
    await page.getByTestId('auth-status').filter({ hasText: /^authenticated$/ }).waitFor();
    await waitUntil(() => new URL(page.url()).pathname === '/', 10_000, 'the return to /');

    const after = await storageDump(page);
    const entries = [...Object.entries(after.session), ...Object.entries(after.local)];
    expect(entries.filter(([k]) => k.includes(':pending')).map(([k]) => k)).toEqual([]);
    expect(entries.filter(([, v]) => v.includes('verifier')).map(([k]) => k)).toEqual([]);
    expect(after.session[SESSION_KEY], 'the session itself is stored').toBeDefined();
    expect(Object.keys(after.local)).toEqual([]);
  });

  it('4. a note added through the API is listed, and still listed after a reload', async () => {
    const { page, log } = await signedIn();
    const text = `e2e note ${Date.now()}`;
    await page.getByTestId('note-input').fill(text);
    await page.getByTestId('add-note').click();
    await page.getByTestId('notes-list').getByTestId('note-item').filter({ hasText: text }).waitFor();
    const post = log.all.find((r) => r.method === 'POST' && r.url === `${stack!.api.url}/notes`);
    expect(post, 'POST /notes to the notes API').toBeDefined();
    expect((await post!.request.response())?.status()).toBe(201);
    expect((await post!.request.allHeaders())['authorization']).toMatch(/^Bearer ey/);

    await page.reload();
    await page.getByTestId('notes-list').getByTestId('note-item').filter({ hasText: text }).waitFor();
    expect(await page.getByTestId('notes-list').getByTestId('note-item').filter({ hasText: text }).count()).toBe(1);
  });

  it('5. a reload keeps the session: authenticated from the first paint, no token request', async () => {
    const { page, log } = await signedIn();
    // Self-check of the probe: on the callback document it did see `loading` first.
    const onCallback = await statuses(page);
    expect(onCallback[0]).toBe('loading');
    expect(onCallback).toContain('authenticated');

    const before = Date.now();
    await page.reload();
    await page.getByTestId('notes-page').waitFor();
    await page.getByTestId('notes-list').waitFor({ state: 'attached' });
    const seen = await statuses(page);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toBe('authenticated');
    expect(seen.filter((s) => s.includes('loading'))).toEqual([]);
    expect(await page.getByTestId('callback-pending').count()).toBe(0);
    expect(log.token(undefined, before)).toHaveLength(0);
    expect(log.toIssuer(before)).toHaveLength(0);
    report(`reload: auth-status texts ${JSON.stringify(seen)}; ${log.toIssuer(before).length} requests to the authorization server`);
  });

  it('7. logout revokes the refresh token, visits the end-session endpoint and returns to / signed out', async () => {
    const { page, log } = await signedIn();
    const session = await storedSession(page);
    const refreshToken = session?.tokens.refreshToken;
    expect(refreshToken, 'a refresh token in the stored session').toBeTruthy();

    const before = Date.now();
    await page.getByTestId('logout-button').click();
    await waitUntil(
      () => log.navigations(before).some((r) => r.url.startsWith(`${stack!.issuer}/session/end`)) && page.url() === `${stack!.appUrl}/`,
      15_000,
      'the end-session endpoint and the return to /',
    );
    await page.getByTestId('auth-status').filter({ hasText: 'unauthenticated' }).waitFor();
    await page.getByTestId('login-button').waitFor();
    // Signing out from a guarded page (/notes) must not start a new login on the way out.
    const navs = log.navigations(before).map((r) => `${new URL(r.url).origin === stack!.issuer ? 'issuer' : 'app'} ${new URL(r.url).pathname}`);
    expect(navs).toEqual(['issuer /session/end', 'issuer /session/end/confirm', 'app /']);
    expect(log.token(undefined, before)).toHaveLength(0);

    const revocations = log.all.filter((r) => r.method === 'POST' && r.url === `${stack!.issuer}/token/revocation`);
    expect(revocations).toHaveLength(1);
    const body = new URLSearchParams(revocations[0]!.postData ?? '');
    expect(body.get('token')).toBe(refreshToken);
    expect(body.get('token_type_hint')).toBe('refresh_token');
    expect((await revocations[0]!.request.response())?.status()).toBe(200);
    // The revocation precedes the end-session navigation.
    const endSession = log.navigations(before).find((r) => r.url.startsWith(`${stack!.issuer}/session/end`))!;
    expect(revocations[0]!.at).toBeLessThanOrEqual(endSession.at);
    expect(new URL(endSession.url).searchParams.get('post_logout_redirect_uri')).toBe(`${stack!.appUrl}/`);
    expect(new URL(endSession.url).searchParams.get('id_token_hint')).toBeTruthy();
    expect(stack!.events.some((e) => e.type === 'end_session.success' && e.at >= before)).toBe(true);

    // The old refresh token is dead at the server (a fresh one would work: control).
    const dead = await refreshDirect(stack!, refreshToken!);
    expect(dead.status).toBe(400);
    expect(dead.body.error).toBe('invalid_grant');

    const stored = await storageDump(page);
    expect(stored.session[SESSION_KEY]).toBeUndefined();
    expect(stored.local[SESSION_KEY]).toBeUndefined();

    // The server session ended too: the next login asks for the password again.
    await page.goto(`${stack!.appUrl}/notes`);
    await page.waitForURL((u) => u.origin === stack!.issuer && u.pathname.startsWith('/interaction/'));
    await page.locator('input[name="username"]').waitFor();
  });

  it('7b. control: a live refresh token of the same client is accepted by the same direct request', async () => {
    const { signIn: headlessSignIn } = await import('@pkce-auth/dev-server');
    const tokens = await headlessSignIn({ issuer: stack!.issuer, redirectUri: `${stack!.appUrl}/callback` });
    const live = await refreshDirect(stack!, tokens.refresh_token!);
    expect(live.status).toBe(200);
    expect(typeof live.body.access_token).toBe('string');
  });

  it('8. a tampered `state` ends in state_mismatch: no token request, no loop back to the login', async () => {
    const { page, log } = await newPage();
    // The redirect back to the app arrives with another `state` (as if changed on the way): the
    // app's own server answers the genuine callback with a redirect to the tampered one.
    let realState: string | null = null;
    stack!.app.setRedirect((url) => {
      if (url.pathname !== '/callback' || url.searchParams.get('state') === 'tampered') return undefined;
      realState = url.searchParams.get('state');
      const tampered = new URL(url);
      tampered.searchParams.set('state', 'tampered');
      return tampered.href;
    });
    onTestFinished(() => stack!.app.setRedirect(undefined));
    await page.goto(`${stack!.appUrl}/`);
    await page.getByTestId('login-button').click();
    await signIn(page, stack!);
    await page.getByTestId('auth-error').waitFor();
    expect(await page.getByTestId('auth-error').textContent()).toContain('state_mismatch');

    const callback = log.navigations().find((r) => r.url.startsWith(`${stack!.appUrl}/callback?`) && r.url.includes('state=tampered'));
    expect(callback, 'the tampered callback was loaded').toBeDefined();
    expect(realState).toBeTruthy();
    expect(new URL(callback!.url).searchParams.get('code')).toBeTruthy();
    await sleep(2000);
    expect(log.token()).toHaveLength(0);
    expect(log.after(callback!).filter((r) => new URL(r.url).origin === stack!.issuer)).toEqual([]);
    expect(new URL(page.url()).pathname).toBe('/callback');
    expect(await page.getByTestId('auth-status').textContent()).toBe('error');
    expect(await page.getByTestId('sign-in-problem').count()).toBe(1);
  });

  it('9. denied consent: back at the app with authorization_error (access_denied), no loop into login', async () => {
    const { page, log } = await newPage();
    await page.goto(`${stack!.appUrl}/notes`);
    await signIn(page, stack!, { consent: 'deny' });
    await page.getByTestId('auth-error').waitFor();
    const text = await page.getByTestId('auth-error').textContent();
    expect(text).toContain('authorization_error');
    expect(text).toContain('access_denied');

    const callback = log.navigations().find((r) => r.url.startsWith(`${stack!.appUrl}/callback?`));
    expect(new URL(callback!.url).searchParams.get('error')).toBe('access_denied');
    await sleep(2000);
    expect(log.after(callback!).filter((r) => new URL(r.url).origin === stack!.issuer)).toEqual([]);
    expect(log.token()).toHaveLength(0);
    expect(new URL(page.url()).pathname).toBe('/callback');
    expect(await page.getByTestId('auth-status').textContent()).toBe('error');
  });

  it('10. the Client Credentials export reads the notes, including the one the demo user just added', async () => {
    const { page } = await signedIn();
    const text = `exported note ${Date.now()}`;
    await page.getByTestId('note-input').fill(text);
    await page.getByTestId('add-note').click();
    await page.getByTestId('note-item').filter({ hasText: text }).waitFor();
    const shown = await page.getByTestId('note-item').count();

    const result = await exportNotes({ issuer: stack!.issuer, apiUrl: stack!.api.url, audience: stack!.auth.resource });
    const demo = result.users.find((u) => u.sub === DEMO.sub);
    expect(demo, 'the demo user in the export').toBeDefined();
    expect(demo!.notes.map((n) => n.text)).toContain(text);
    expect(demo!.count).toBe(shown);
    expect(result.total).toBe(result.users.reduce((n, u) => n + u.count, 0));
    expect(stack!.grants('client_credentials')).toBeGreaterThanOrEqual(1);
    report(`export: ${result.total} note(s) of ${result.users.length} person(s); demo-user ${demo!.count}`);
  });
});

describe('token expiry (access tokens of 8 s)', () => {
  let short: Stack | undefined;
  beforeAll(async () => {
    short = await startStack({ storage: 'session', accessTokenTtl: 8 });
  });
  afterAll(async () => {
    await closeQuietly(...contexts.splice(0));
    await short?.stop();
  });

  it('6. past the due time an API call works with exactly one refresh', async () => {
    const { page, log } = await signedIn(short);
    const signedInAt = Date.now();
    const first = (await storedSession(page))!;
    const { expiresAt } = first.tokens;
    expect(expiresAt).toBeDefined();
    const lifetime = expiresAt! - first.receivedAt;
    const dueAt = expiresAt! - Math.min(60_000, lifetime / 2);
    report(`expiry: token lifetime ${lifetime} ms, due ${dueAt - Date.now()} ms from now (${Math.round((expiresAt! - dueAt) / 1000)} s before expiry)`);
    expect(log.token('refresh_token')).toHaveLength(0);

    // Past the due time, the background timer refreshes; then an API call.
    await waitUntil(() => Date.now() > dueAt + 300, 20_000, 'the due time');
    await waitUntil(() => log.token('refresh_token').length > 0, 5_000, 'the refresh request');
    const text = `after refresh ${Date.now()}`;
    await page.getByTestId('note-input').fill(text);
    await page.getByTestId('add-note').click();
    await page.getByTestId('note-item').filter({ hasText: text }).waitFor();
    const doneAt = Date.now();

    const refreshes = log.token('refresh_token');
    expect(refreshes).toHaveLength(1);
    expect(short!.grants('refresh_token', signedInAt - 1000)).toBe(1);
    expect((await refreshes[0]!.request.response())?.status()).toBe(200);
    const post = log.all.filter((r) => r.method === 'POST' && r.url === `${short!.api.url}/notes`);
    expect(post).toHaveLength(1);
    expect((await post[0]!.request.response())?.status()).toBe(201);
    const second = (await storedSession(page))!;
    expect(second.tokens.accessToken).not.toBe(first.tokens.accessToken);
    expect(second.tokens.refreshToken).not.toBe(first.tokens.refreshToken);
    expect((await post[0]!.request.allHeaders())['authorization']).toBe(`Bearer ${second.tokens.accessToken}`);
    expect(doneAt).toBeLessThan(second.tokens.expiresAt! - Math.min(60_000, lifetime / 2));
    report(
      `expiry: ${refreshes.length} refresh request(s), ${Math.round(refreshes[0]!.at - dueAt)} ms after the due time; note added ${doneAt - dueAt} ms after it`,
    );
  });

  it('6b. after expiry with the background timer held back, the API call itself refreshes exactly once', async () => {
    const { page, log, context } = await newPage(short);
    await context.clock.install();
    await page.goto(`${short!.appUrl}/notes`);
    await signIn(page, short!);
    await page.getByTestId('notes-list').waitFor({ state: 'attached' });
    const first = (await storedSession(page))!;
    const since = Date.now();
    // Freeze the page's timers, then move its clock past the token's expiry without firing them.
    await page.clock.pauseAt(Date.now() + 100);
    await page.clock.setSystemTime(first.tokens.expiresAt! + 2000);
    await waitUntil(() => Date.now() > first.tokens.expiresAt! + 500, 15_000, 'real expiry');
    expect(log.token('refresh_token')).toHaveLength(0);

    const text = `after expiry ${Date.now()}`;
    await page.getByTestId('note-input').fill(text);
    await page.getByTestId('add-note').click();
    await page.getByTestId('note-item').filter({ hasText: text }).waitFor();

    const refreshes = log.token('refresh_token');
    expect(refreshes).toHaveLength(1);
    expect(short!.grants('refresh_token', since)).toBe(1);
    const second = (await storedSession(page))!;
    expect(second.tokens.accessToken).not.toBe(first.tokens.accessToken);
    const post = log.all.filter((r) => r.method === 'POST' && r.url === `${short!.api.url}/notes`);
    expect(post).toHaveLength(1);
    expect((await post[0]!.request.allHeaders())['authorization']).toBe(`Bearer ${second.tokens.accessToken}`);
    expect(refreshes[0]!.at).toBeLessThanOrEqual(post[0]!.at);
    expect(await page.getByTestId('auth-status').textContent()).toBe('authenticated');
  });
});
