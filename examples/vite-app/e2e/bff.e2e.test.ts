/**
 * The Notes app in BFF mode (`VITE_AUTH_MODE=bff`, as `pnpm dev:bff` runs it) in a real browser:
 * the app's own server mounts `@pkce-auth/bff` in front of the built app, against the real
 * authorization server and the real notes and tags APIs. Sign-in through the BFF, notes saved
 * through its proxy, no token anywhere the page can see, CSRF refused, logout revoking, a logout at
 * the authorization server reaching the BFF (back-channel), and the figures of the callback in BFF
 * mode against browser mode (a browser-mode stack is started here too, to measure both alike).
 *
 * The tokens to look for come from the server side: the authorization server's token responses
 * to notes-bff, and the Authorization headers the APIs received from the BFF.
 */
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  closeQuietly,
  DEMO,
  dumpPages,
  launchBrowser,
  recordRequests,
  refreshDirect,
  report,
  signIn,
  startBffStack,
  startStack,
  waitUntil,
  type BffStack,
  type Stack,
} from './harness';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

/** The BFF's session cookie on loopback http (`__Host-bff-session` on https). */
const SESSION_COOKIE = 'bff-session';

let bff: BffStack;
let plain: Stack | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];

/** Runs in every document: when the notes list (the notes loaded) first appears, ms since navigation start. */
function installNotesProbe(): void {
  const w = window as unknown as { __notesListedAt?: number };
  new MutationObserver(() => {
    if (w.__notesListedAt === undefined && document.querySelector('[data-testid="notes-list"]')) w.__notesListedAt = performance.now();
  }).observe(document, { childList: true, subtree: true });
}

/** A response the page received: its headers and, when there is one to read, its body. */
interface Seen {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string | null;
  /** What the page sent for it. */
  requestHeaders: Record<string, string>;
  postData: string | null;
}

/** Records every response of `page` (redirects included), reading headers and body at once. */
function recordResponses(page: Page): { seen: Seen[]; settled(): Promise<void> } {
  const seen: Seen[] = [];
  const reading: Promise<void>[] = [];
  const read = async (response: Response): Promise<void> => {
    const request = response.request();
    const redirect = response.status() >= 300 && response.status() < 400;
    const [headers, requestHeaders, body] = await Promise.all([
      response.allHeaders(),
      request.allHeaders(),
      redirect ? null : response.body().then((b) => b.toString('utf8'), () => null),
    ]);
    seen.push({ url: response.url(), status: response.status(), headers, body, requestHeaders, postData: request.postData() });
  };
  page.on('response', (response) => void reading.push(read(response).catch(() => undefined)));
  return { seen, settled: async () => void (await Promise.all(reading)) };
}

async function newPage(s: { issuer: string; tokenEndpoint: string } = bff) {
  const context = await (browser as Browser).newContext();
  contexts.push(context);
  context.setDefaultTimeout(15_000);
  await context.addInitScript(installNotesProbe);
  const page = await context.newPage();
  const log = recordRequests(page, s);
  const responses = recordResponses(page);
  return { context, page, log, responses };
}

/** A fresh browser context signed in as demo through the BFF, on /notes with the notes loaded. */
async function signedIn(s: BffStack | Stack = bff) {
  const startedAt = Date.now();
  const fresh = await newPage(s);
  await fresh.page.goto(`${s.appUrl}/notes`);
  await signIn(fresh.page, s);
  await fresh.page.getByTestId('notes-list').waitFor({ state: 'attached' });
  return { ...fresh, startedAt };
}

/** The tokens the authorization server gave notes-bff since `since`, and those the APIs received from it. */
function serverSideTokens(since: number): { access: string[]; refresh: string[] } {
  const issued = bff.issued.filter((t) => t.clientId === bff.clientId && t.at >= since);
  const received = bff.apiRequests.filter((r) => r.at >= since).map((r) => /^Bearer (.+)$/.exec(r.authorization ?? '')?.[1]);
  const defined = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))];
  return { access: defined([...issued.map((t) => t.accessToken), ...received]), refresh: defined(issued.map((t) => t.refreshToken)) };
}

/** The refresh token the BFF holds for the session signed in at `since`: the newest one issued to notes-bff since. */
function heldRefreshToken(since: number): string {
  const token = serverSideTokens(since).refresh.at(-1);
  expect(token, 'a refresh token issued to notes-bff').toBeTruthy();
  return token!;
}

/** Everything the page holds that script in it could read, as text: storage, IndexedDB, cookies, globals, React's state, the DOM. */
async function pageHeld(page: Page): Promise<{ where: string; text: string }[]> {
  const held = await page.evaluate(async () => {
    const out: { where: string; text: string }[] = [];
    const SKIP = new Set(['_owner', '_store', 'return', 'child', 'sibling', 'alternate', 'stateNode', '_debugOwner', 'ownerDocument']);
    const authStates: string[] = [];
    // A cycle-safe, depth-limited dump of the strings reachable from `value` (DOM nodes and functions skipped).
    const dump = (value: unknown, depth = 5, seen = new Set<unknown>()): string => {
      if (typeof value === 'string') return JSON.stringify(value);
      if (typeof value !== 'object' || value === null) return String(value);
      if (seen.has(value) || depth === 0 || value instanceof Node || value === window) return '…';
      seen.add(value);
      const maybeClient = value as { getState?: unknown; subscribe?: unknown };
      if (typeof maybeClient.getState === 'function' && typeof maybeClient.subscribe === 'function') {
        authStates.push(JSON.stringify((maybeClient.getState as () => unknown)()));
      }
      const parts: string[] = [];
      let keys: string[];
      try {
        keys = value instanceof Map ? [] : Object.keys(value);
      } catch {
        return '…';
      }
      const entries: [unknown, unknown][] = value instanceof Map ? [...value.entries()] : keys.filter((k) => !SKIP.has(k)).map((k) => [k, (value as Record<string, unknown>)[k]]);
      for (const [k, v] of entries.slice(0, 200)) {
        try {
          parts.push(`${String(k)}:${dump(v, depth - 1, seen)}`);
        } catch {
          parts.push(`${String(k)}:?`);
        }
      }
      return `{${parts.join(',')}}`;
    };
    const storage = (s: Storage) => JSON.stringify(Object.fromEntries(Array.from({ length: s.length }, (_, i) => [s.key(i), s.getItem(s.key(i) ?? '')])));
    out.push({ where: 'sessionStorage', text: storage(sessionStorage) });
    out.push({ where: 'localStorage', text: storage(localStorage) });
    const databases = await indexedDB.databases();
    out.push({ where: 'IndexedDB names', text: JSON.stringify(databases.map((d) => d.name)) });
    for (const { name } of databases) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => ok(open.result);
        open.onerror = () => fail(open.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((ok, fail) => {
          const get = db.transaction(store, 'readonly').objectStore(store).getAll();
          get.onsuccess = () => ok(get.result as unknown[]);
          get.onerror = () => fail(get.error);
        });
        out.push({ where: `IndexedDB ${name}/${store}`, text: dump(all) });
      }
      db.close();
    }
    out.push({ where: 'document.cookie', text: document.cookie });
    // The page's own globals: those a blank document does not have.
    const blank = document.createElement('iframe');
    document.body.appendChild(blank);
    const builtin = new Set(Object.getOwnPropertyNames(blank.contentWindow));
    blank.remove();
    const globals = Object.getOwnPropertyNames(window).filter((k) => !builtin.has(k));
    out.push({ where: `window globals (${globals.join(', ')})`, text: globals.map((k) => `${k}=${dump((window as unknown as Record<string, unknown>)[k])}`).join('\n') });
    // React's state and props, fiber by fiber (the auth client among them: its state is read too).
    const root = document.getElementById('root') as (HTMLElement & Record<string, unknown>) | null;
    const containerKey = root ? Object.keys(root).find((k) => k.startsWith('__reactContainer$')) : undefined;
    const texts: string[] = [];
    let fibers = 0;
    const visit = (fiber: Record<string, unknown> | null | undefined, depth: number): void => {
      for (let f = fiber; f && depth < 400; f = f.sibling as Record<string, unknown> | null) {
        fibers++;
        texts.push(dump(f.memoizedProps, 4));
        for (let hook = f.memoizedState as Record<string, unknown> | null; hook && typeof hook === 'object'; hook = ('next' in hook ? hook.next : null) as Record<string, unknown> | null) {
          texts.push(dump('memoizedState' in hook ? hook.memoizedState : hook, 4));
        }
        visit(f.child as Record<string, unknown> | null, depth + 1);
      }
    };
    if (containerKey && root) visit(root[containerKey] as Record<string, unknown>, 0);
    out.push({ where: `React state and props (${fibers} fibers)`, text: texts.join('\n') });
    out.push({ where: 'auth state', text: authStates.join('\n') });
    out.push({ where: 'the document', text: document.documentElement.outerHTML });
    return { out, authStates, fibers };
  });
  expect(held.fibers, 'the React tree was walked').toBeGreaterThan(10);
  expect(held.authStates.length, 'the auth client (AuthProvider `client`) was reached and its state read').toBeGreaterThan(0);
  return held.out;
}

/** Where any of `secrets` (whole, or its last 12 characters as the token panel shows) is found in `places`. */
function findSecrets(places: { where: string; text: string }[], secrets: Record<string, string[]>): string[] {
  const found: string[] = [];
  for (const [kind, values] of Object.entries(secrets)) {
    for (const value of values) {
      for (const { where, text } of places) {
        if (text.includes(value) || text.includes(value.slice(-12))) found.push(`${kind} …${value.slice(-6)} in ${where}`);
      }
    }
  }
  return found;
}

/** The responses and requests of a page as places to search. */
const exchanges = (seen: Seen[]) =>
  seen.flatMap((r) => [
    { where: `response headers of ${r.url}`, text: JSON.stringify(r.headers) },
    { where: `response body of ${r.url}`, text: r.body ?? '' },
    { where: `request of ${r.url}`, text: `${r.url}\n${JSON.stringify(r.requestHeaders)}\n${r.postData ?? ''}` },
  ]);

/** `fetch` from the page, on the app's origin, with its cookies; the status and the body's text. */
const fetchInPage = (page: Page, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  page.evaluate(
    async ({ path, init }) => {
      const response = await fetch(path, { ...init, credentials: 'include' });
      return { status: response.status, body: await response.text() };
    },
    { path, init },
  );

beforeAll(async () => {
  const t = Date.now();
  bff = await startBffStack();
  browser = await launchBrowser();
  report(`bff: stack (auth server, APIs, app build in BFF mode, BFF server) + browser up in ${Date.now() - t} ms; app ${bff.appUrl}, issuer ${bff.issuer}`);
});

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await dumpPages(task.name, contexts);
  await closeQuietly(...contexts.splice(0));
});

afterAll(async () => {
  await closeQuietly(...contexts.splice(0), browser);
  await plain?.stop();
  await bff?.stop();
});

describe('BFF mode', () => {
  it('1. signs in through the BFF: /notes → /bff/login → the login form → /bff/callback → /notes, tokens null', async () => {
    const since = Date.now();
    const { page, log } = await newPage();
    await page.goto(`${bff.appUrl}/notes`);
    await signIn(page, bff);
    await page.getByTestId('notes-list').waitFor({ state: 'attached' });
    expect(new URL(page.url()).pathname).toBe('/notes');
    await expect.poll(() => page.getByTestId('user-name').textContent()).toBe(DEMO.name);
    expect(await page.getByTestId('auth-status').textContent()).toBe('authenticated');

    // The guard's login went to the BFF, which sent the browser on as notes-bff with PKCE, state and nonce.
    const navs = log.navigations();
    const login = navs.find((r) => r.url.startsWith(`${bff.appUrl}/bff/login?`));
    expect(new URL(login!.url).searchParams.get('returnTo')).toBe('/notes');
    const authorize = navs.find((r) => new URL(r.url).origin === bff.issuer && new URL(r.url).pathname === '/auth');
    const params = new URL(authorize!.url).searchParams;
    expect(params.get('client_id')).toBe(bff.clientId);
    expect(params.get('redirect_uri')).toBe(`${bff.appUrl}/bff/callback`);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toBeTruthy();
    expect(params.get('nonce')).toBeTruthy();
    expect(navs.some((r) => r.url.startsWith(`${bff.appUrl}/bff/callback?`))).toBe(true);
    // The code exchange was the BFF's (authenticated as notes-bff), not the page's.
    expect(log.token()).toHaveLength(0);
    expect(bff.issued.filter((t) => t.at >= since && t.grantType === 'authorization_code').map((t) => t.clientId)).toEqual([bff.clientId]);

    // The same pages: the token panel says where the tokens are instead of showing one.
    expect(await page.getByTestId('tokens-on-server').textContent()).toContain('The tokens stay on the server');
    expect(await page.getByTestId('token-panel').count()).toBe(0);
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByTestId('profile-page').waitFor();
    expect(await page.getByTestId('claim-sub').textContent()).toContain(DEMO.sub);
    expect(bff.bffErrors).toEqual([]);
  });

  it('2. a note is saved through the proxy: the notes API gets a Bearer token for demo from the BFF, the page sends none', async () => {
    const { page, log, startedAt } = await signedIn();
    const text = `bff note ${Date.now()}`;
    await page.getByTestId('note-input').fill(text);
    await page.getByTestId('add-note').click();
    await page.getByTestId('notes-list').getByTestId('note-item').filter({ hasText: text }).waitFor();

    // The page posted to its own origin, with the CSRF header and no token.
    const post = log.all.find((r) => r.method === 'POST' && r.url === `${bff.appUrl}/api/notes`);
    expect(post, 'POST /api/notes on the app origin').toBeDefined();
    expect((await post!.request.response())?.status()).toBe(201);
    const sent = await post!.request.allHeaders();
    expect(sent['x-csrf']).toBe('1');
    expect(sent['authorization']).toBeUndefined();
    expect(log.all.filter((r) => new URL(r.url).origin === bff.api.url)).toEqual([]);

    // The notes API received it at /notes from the BFF: a Bearer JWT for demo, for the notes API, of notes-bff; no browser cookie, no CSRF header.
    const received = bff.apiRequests.filter((r) => r.api === 'notes' && r.method === 'POST' && r.at >= startedAt);
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe('/notes');
    expect(received[0]!.cookie).toBeNull();
    expect(received[0]!.csrf).toBeNull();
    const token = /^Bearer (ey[\w-]+\.[\w-]+\.[\w-]+)$/.exec(received[0]!.authorization ?? '')?.[1];
    expect(token, 'a Bearer JWT').toBeTruthy();
    const claims = decodeJwt(token!);
    expect(claims).toMatchObject({ sub: DEMO.sub, aud: bff.auth.resource, client_id: bff.clientId, iss: bff.issuer });
    expect(serverSideTokens(startedAt).access).toContain(token);

    // The note is demo's at the notes API itself (asked directly with that token), and still listed after a reload.
    const direct = await fetch(`${bff.api.url}/notes`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await direct.json()) as { notes: { text: string }[] }).notes.map((n) => n.text)).toContain(text);
    await page.reload();
    await page.getByTestId('notes-list').getByTestId('note-item').filter({ hasText: text }).waitFor();
  });

  it('3. the tags card loads through /api/tags: the BFF calls the tags API with a token of its own, got with the refresh token', async () => {
    const { page, log, startedAt } = await signedIn();
    const refreshesBefore = bff.grants('refresh_token', startedAt);
    await page.getByTestId('load-tags').click();
    await page.getByTestId('tags-list').or(page.getByTestId('tags-error')).waitFor();
    expect(await page.getByTestId('tags-error').count()).toBe(0);
    expect(await page.getByTestId('tag-item').allTextContents()).toEqual(['home', 'ideas', 'work']);
    expect(log.all.filter((r) => r.url.startsWith(`${bff.appUrl}/api/tags`)).map((r) => r.method)).toEqual(['GET']);

    // At the tags API: a token for its own audience with tags:read, not the notes API's; one refresh grant got it.
    const received = bff.apiRequests.filter((r) => r.api === 'tags' && r.at >= startedAt);
    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /tags']);
    const claims = decodeJwt(/^Bearer (.+)$/.exec(received[0]!.authorization ?? '')![1]!);
    expect(claims).toMatchObject({ sub: DEMO.sub, aud: bff.auth.tagsResource, client_id: bff.clientId });
    expect(String(claims.scope).split(' ')).toContain('tags:read');
    expect(bff.grants('refresh_token', startedAt) - refreshesBefore).toBe(1);

    // A second load uses the token the BFF keeps: no new grant.
    await page.getByTestId('load-tags').click();
    await waitUntil(() => bff.apiRequests.filter((r) => r.api === 'tags' && r.at >= startedAt).length === 2, 5_000, 'the second GET /tags');
    expect(bff.grants('refresh_token', startedAt) - refreshesBefore).toBe(1);
  });

  it('4. no access or refresh token in any storage, cookie, window or React state, or response the page saw', async () => {
    const { page, context, responses, startedAt } = await signedIn();
    // Some traffic beyond the sign-in: a note, the tags card, a reload, the profile page.
    await page.getByTestId('note-input').fill(`secret-free ${Date.now()}`);
    await page.getByTestId('add-note').click();
    await page.getByTestId('note-item').first().waitFor();
    await page.getByTestId('load-tags').click();
    await page.getByTestId('tags-list').or(page.getByTestId('tags-error')).waitFor();
    await page.reload();
    await page.getByTestId('notes-list').waitFor({ state: 'attached' });
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByTestId('profile-page').waitFor();
    await responses.settled();

    const secrets = serverSideTokens(startedAt);
    expect(secrets.access.length, 'access tokens seen at the server side').toBeGreaterThan(0);
    expect(secrets.refresh.length, 'refresh tokens seen at the server side').toBeGreaterThan(0);

    // The session cookie: HttpOnly (so not in document.cookie), SameSite=Strict, Path=/, an opaque random id.
    const cookies = await context.cookies(bff.appUrl);
    const session = cookies.find((c) => c.name === SESSION_COOKIE);
    expect(session, 'the BFF session cookie').toBeDefined();
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', secure: false });
    expect(session!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const held = await pageHeld(page);
    expect(held.find((p) => p.where === 'document.cookie')!.text).not.toContain(SESSION_COOKIE);
    expect(held.find((p) => p.where === 'IndexedDB names')!.text).toBe('[]');
    const state = JSON.parse(held.find((p) => p.where === 'auth state')!.text.split('\n')[0]!) as { status: string; tokens: unknown; user: { sub: string } };
    expect(state).toMatchObject({ status: 'authenticated', tokens: null, user: { sub: DEMO.sub } });

    const places = [
      ...held,
      ...cookies.map((c) => ({ where: `cookie ${c.name}`, text: `${c.name}=${c.value}` })),
      ...exchanges(responses.seen),
    ];
    expect(findSecrets(places, { 'access token': secrets.access, 'refresh token': secrets.refresh })).toEqual([]);
    // Everything on the app's origin with a body was read (a body the recorder missed is not a body
    // checked), but the favicon: the browser's own fetch, whose body Chromium does not keep.
    const unread = responses.seen.filter((r) => r.url.startsWith(bff.appUrl) && r.status < 300 && r.body === null && !r.url.endsWith('/favicon.svg'));
    expect(unread.map((r) => r.url)).toEqual([]);
    report(
      `bff no-token check: ${secrets.access.length} access and ${secrets.refresh.length} refresh token(s) from the server side, ` +
        `searched in ${places.length} places (${responses.seen.length} responses, ${cookies.length} cookies, storage, IndexedDB, window globals, React state, the DOM): none found`,
    );
  });

  it('4b. control: the same search finds the tokens of the browser mode, where the page holds them', async () => {
    plain ??= await startStack({ storage: 'session' });
    const { page, responses, startedAt } = await signedIn(plain);
    await responses.settled();
    const issued = plain.issued.filter((t) => t.clientId === plain!.clientId && t.at >= startedAt);
    const secrets = { 'access token': issued.map((t) => t.accessToken!).filter(Boolean), 'refresh token': issued.map((t) => t.refreshToken!).filter(Boolean) };
    expect(secrets['access token'].length).toBeGreaterThan(0);
    const found = findSecrets([...(await pageHeld(page)), ...exchanges(responses.seen)], secrets);
    for (const place of ['sessionStorage', 'auth state', `response body of ${plain.tokenEndpoint}`]) {
      expect(found.some((f) => f.endsWith(` in ${place}`)), `a token in ${place}`).toBe(true);
    }
  });

  it('5. CSRF: a credentialed fetch without X-CSRF gets 403 and the notes API receives nothing', async () => {
    const { page } = await signedIn();
    const before = bff.apiRequests.length;
    const get = await fetchInPage(page, '/api/notes');
    expect(get.status).toBe(403);
    const post = await fetchInPage(page, '/api/notes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'forged' }) });
    expect(post.status).toBe(403);
    const user = await fetchInPage(page, '/bff/user');
    expect(user.status).toBe(403);
    expect(JSON.parse(get.body)).toMatchObject({ error: expect.any(String) });
    expect(bff.apiRequests.slice(before)).toEqual([]);

    // Control: the same call with the header is forwarded.
    const allowed = await fetchInPage(page, '/api/notes', { headers: { 'X-CSRF': '1' } });
    expect(allowed.status).toBe(200);
    expect(bff.apiRequests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /notes']);
    expect((JSON.parse(allowed.body) as { notes: { text: string }[] }).notes.map((n) => n.text)).not.toContain('forged');
  });

  it('6. logout revokes the refresh token the BFF held, clears the session cookie, and /bff/user is 401', async () => {
    const { page, context, log, startedAt } = await signedIn();
    const refreshToken = heldRefreshToken(startedAt);
    const before = Date.now();
    await page.getByTestId('logout-button').click();
    await waitUntil(() => page.url() === `${bff.appUrl}/` && log.navigations(before).some((r) => r.url.startsWith(`${bff.issuer}/session/end`)), 15_000, 'the end-session endpoint and the return to /');
    await page.getByTestId('auth-status').filter({ hasText: 'unauthenticated' }).waitFor();
    await page.getByTestId('login-button').waitFor();

    // POST /bff/logout (with the CSRF header), then the server's end-session endpoint, then back to /.
    const logout = log.all.filter((r) => r.at >= before && r.url === `${bff.appUrl}/bff/logout`);
    expect(logout.map((r) => r.method)).toEqual(['POST']);
    expect((await logout[0]!.request.allHeaders())['x-csrf']).toBe('1');
    const navs = log.navigations(before).map((r) => `${new URL(r.url).origin === bff.issuer ? 'issuer' : 'app'} ${new URL(r.url).pathname}`);
    expect(navs).toEqual(['issuer /session/end', 'issuer /session/end/confirm', 'app /']);
    // The page itself revoked nothing and asked for no token: the BFF did.
    expect(log.token()).toHaveLength(0);
    expect(log.all.filter((r) => r.url.includes('/token/revocation'))).toEqual([]);

    // The refresh token is dead at the server; a live one of notes-bff, from another session, is not (control).
    const dead = await refreshDirect(bff, refreshToken, bff.clientId, bff.clientSecret);
    expect(dead.status).toBe(400);
    expect(dead.body.error).toBe('invalid_grant');
    const other = await signedIn();
    const live = await refreshDirect(bff, heldRefreshToken(other.startedAt), bff.clientId, bff.clientSecret);
    expect(live.status).toBe(200);

    // The cookie is gone and the BFF knows no session.
    expect((await context.cookies(bff.appUrl)).map((c) => c.name)).not.toContain(SESSION_COOKIE);
    expect((await fetchInPage(page, '/bff/user', { headers: { 'X-CSRF': '1' } })).status).toBe(401);
    expect((await fetchInPage(page, '/api/notes', { headers: { 'X-CSRF': '1' } })).status).toBe(401);
    // The server told the BFF too (back-channel logout, to this test's origin); it found nothing left to end.
    await waitUntil(() => bff.events.some((e) => e.at >= before && e.type.startsWith('backchannel.')), 5_000, 'the back-channel logout');
    expect(bff.events.filter((e) => e.at >= before && e.type.startsWith('backchannel.'))).toMatchObject([{ type: 'backchannel.success' }]);
    expect(bff.bffErrors).toEqual([]);
  });

  it('7. a logout at the authorization server alone ends the BFF session (back-channel logout)', async () => {
    const { page, startedAt } = await signedIn();
    const refreshToken = heldRefreshToken(startedAt);
    const before = Date.now();
    // The person signs out at the server (another app, the server's own page): the app is not involved.
    await page.goto(`${bff.issuer}/session/end`);
    await page.locator('#signed-out').waitFor();
    await waitUntil(() => bff.events.some((e) => e.at >= before && e.type.startsWith('backchannel.')), 5_000, 'the back-channel logout');
    expect(bff.events.filter((e) => e.at >= before && e.type.startsWith('backchannel.'))).toMatchObject([{ type: 'backchannel.success' }]);

    await page.goto(`${bff.appUrl}/`);
    await page.getByTestId('auth-status').filter({ hasText: 'unauthenticated' }).waitFor();
    expect((await fetchInPage(page, '/bff/user', { headers: { 'X-CSRF': '1' } })).status).toBe(401);
    // The grant ended at the server too.
    expect((await refreshDirect(bff, refreshToken, bff.clientId, bff.clientSecret)).status).toBe(400);
  });
});

describe('the callback: BFF mode against browser mode', () => {
  const RUNS = 7;

  /** One sign-in from /notes; the requests from the callback's arrival until the notes are listed, and how long. */
  async function measure(s: BffStack | Stack, callbackPath: string) {
    const { page, log } = await newPage(s);
    const begun = Date.now();
    await page.goto(`${s.appUrl}/notes`);
    await signIn(page, s);
    await page.getByTestId('notes-list').waitFor({ state: 'attached' });
    const end = Date.now();
    const index = log.all.findIndex((r) => r.isNavigation && r.url.startsWith(`${s.appUrl}${callbackPath}?`));
    expect(index, `the redirect to ${callbackPath}`).toBeGreaterThanOrEqual(0);
    const since = log.all[index]!.at;
    // The favicon is the browser's own, fetched when it gets round to it: not counted.
    const after = log.all.slice(index).filter((r) => r.at <= end && !r.url.endsWith('/favicon.svg'));
    // What the browser sent that Playwright does not show: CORS preflights (seen by the APIs).
    // Counted from before the page load (the APIs record in this process, Playwright's events come later); signed out, the page calls no API.
    const preflights = s.apiRequests.filter((r) => r.method === 'OPTIONS' && r.at >= begun && r.at <= end).length;
    const inPage = await page.evaluate(() => (window as unknown as { __notesListedAt?: number }).__notesListedAt);
    // How long the code exchange took as the browser saw it: the /bff/callback response (the BFF
    // exchanges the code before it answers) or the page's own token request.
    const exchange = after.find((r) => (callbackPath === '/bff/callback' ? r === log.all[index] : r.url === (s as Stack).tokenEndpoint));
    const exchangeMs = exchange ? Math.round(exchange.request.timing().responseEnd) : NaN;
    await closeQuietly(page.context());
    return { requests: after.length, preflights, ms: end - since, inPageMs: inPage === undefined ? NaN : Math.round(inPage), exchangeMs, list: after.map((r) => label(r.url, s)), begun, end };
  }

  const label = (url: string, s: BffStack | Stack): string => {
    const u = new URL(url);
    const where = u.origin === s.appUrl ? 'app' : u.origin === s.issuer ? 'issuer' : u.origin === s.api.url ? 'notes API' : u.origin;
    return `${where} ${u.pathname.replace(/\/assets\/.*/, '/assets/…')}`;
  };

  const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
  };

  it(`8. requests and milliseconds from the callback to the signed-in notes page (${RUNS} sign-ins each, alternating)`, async () => {
    plain ??= await startStack({ storage: 'session' });
    const runs: Record<'bff' | 'browser', Awaited<ReturnType<typeof measure>>[]> = { bff: [], browser: [] };
    for (let i = 0; i < RUNS; i++) {
      runs.bff.push(await measure(bff, '/bff/callback'));
      runs.browser.push(await measure(plain, '/callback'));
    }
    // Server-side hops the browser does not see, counted over the whole sign-in (signed out, nothing
    // else calls them): its code exchange and its API call. Not over the callback window alone: the
    // BFF runs in this process, and it may record its exchange before Playwright's event for the
    // /bff/callback request reaches the test.
    const hidden = runs.bff.map((r) => ({
      tokens: bff.issued.filter((t) => t.clientId === bff.clientId && t.at >= r.begun && t.at <= r.end).length,
      api: bff.apiRequests.filter((a) => a.at >= r.begun && a.at <= r.end).length,
    }));
    for (const [mode, list] of Object.entries(runs)) {
      report(
        `callback ${mode}: ${list[0]!.requests} browser requests [${list[0]!.list.join(', ')}] + ${list[0]!.preflights} CORS preflight(s); ` +
          `median ${median(list.map((r) => r.ms))} ms from the callback request to the notes listed (runs: ${list.map((r) => r.ms).join(', ')} ms), ` +
          `in-page median ${median(list.map((r) => r.inPageMs))} ms from navigation start (runs: ${list.map((r) => r.inPageMs).join(', ')}); ` +
        `the exchange (${mode === 'bff' ? 'the /bff/callback response' : 'the token request'}) median ${median(list.map((r) => r.exchangeMs))} ms (runs: ${list.map((r) => r.exchangeMs).join(', ')})`,
      );
    }
    report(`callback bff: server-side hops in each sign-in: ${hidden.map((h) => `${h.tokens} token request + ${h.api} notes API call`).join('; ')}`);
    // Every run asked for the same things.
    for (const list of Object.values(runs)) expect(new Set(list.map((r) => `${r.list.join()} + ${r.preflights}`)).size).toBe(1);
    expect(runs.bff[0]!.list.filter((l) => l.startsWith('issuer'))).toEqual([]);
    expect(runs.browser[0]!.list.filter((l) => l === `issuer ${new URL(plain!.tokenEndpoint).pathname}`)).toHaveLength(1);
    expect(hidden).toEqual(hidden.map(() => ({ tokens: 1, api: 1 })));
  });
});
