/**
 * A tab opened with `window.open(location.href)` (as "Duplicate tab" does) starts with a copy of
 * the opener's sessionStorage: the same session, the same refresh token. The dev server rotates
 * refresh tokens, and when a spent one is presented again it revokes the whole grant (RFC 9700
 * §4.14.2): every token of that sign-in, the original tab's newest refresh token included.
 *
 * The core remembers, in localStorage, the random `refreshId`s of the refresh tokens any tab
 * already presented (under the Web Lock `pkce-auth:notes-spa:refresh`); a tab whose token is in
 * that list drops it instead of sending it. Against the real server, with 10-second access
 * tokens and storage 'session' (the app's default):
 *
 * 14. the original refreshes first; the copy's timer fires at the shared due time and sends
 *     nothing, drops the token, keeps its access token until it expires, then its session ends
 *     and it signs in again; the original refreshes again and saves/loads notes: the grant survived;
 * 15. both tabs reach the shared due time together (slow token endpoint: the race is certain):
 *     one refresh request, the other tab drops its copy;
 * 16. control: with the spent-token list wiped (the protection switched off from outside), the
 *     copy does present the spent token and the server revokes the grant, so the original's next
 *     refresh gets invalid_grant. That is what 14 and 15 would see without the protection: their
 *     "every refresh token presented once", "no grant.error / grant.revoked", "the copy sent no
 *     token request" and "the original's further refresh answers 200" would all fail.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  closeQuietly,
  dueAtOf,
  dumpPages,
  installLockProbe,
  launchBrowser,
  lockRequests,
  recordRequests,
  REFRESH_LOCK,
  report,
  SESSION_KEY,
  signIn,
  sleep,
  spentRefreshIds,
  startStack,
  storageDump,
  storedSession,
  waitUntil,
  type Recorded,
  type RequestLog,
  type Stack,
  type StoredSessionView,
} from './harness';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const TTL_SECONDS = 10;

let stack: Stack | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const t = Date.now();
  stack = await startStack({ storage: 'session', accessTokenTtl: TTL_SECONDS });
  browser = await launchBrowser();
  report(`duplicate tab: stack + browser up in ${Date.now() - t} ms (storage session, ${TTL_SECONDS} s tokens)`);
});

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await dumpPages(task.name, contexts);
  // Each tab before the tab that opened it: closing the opener first (both on the server's
  // consent page, after test 16) now and then hung page.close(), and with it the context's close.
  for (const context of contexts.splice(0)) await closeQuietly(...context.pages().reverse(), context);
});

afterAll(async () => {
  await closeQuietly(...contexts.splice(0), browser);
  await stack?.stop();
});

/** The refresh tokens presented to the token endpoint, in order, with the request that carried each. */
const presented = (log: RequestLog): { rec: Recorded; token: string }[] =>
  log.token('refresh_token').map((rec) => ({ rec, token: new URLSearchParams(rec.postData ?? '').get('refresh_token') ?? '' }));

const statusOf = async (rec: Recorded): Promise<number | string> => (await rec.request.response().catch(() => null))?.status() ?? `failed (${rec.failure ?? '?'})`;

/** The stored session a tab keeps once it dropped its refresh token: everything else unchanged. */
function withoutRefreshToken(s: StoredSessionView): Omit<StoredSessionView, 'refreshId'> {
  const { refreshToken: _token, ...tokens } = s.tokens;
  const { refreshId: _id, ...rest } = s;
  return { ...rest, tokens };
}

const tail = (token: string | undefined): string => `…${(token ?? '').slice(-6)}`;

/** A status `auth-status` showed, in which tab and document (path), seen from Node as it happened. */
interface StatusSeen {
  page: Page;
  text: string;
  path: string;
  at: number;
}

/**
 * Runs in every document: reports each new text of `auth-status` (with the page's time) to the
 * test through the `__statusSeen` binding, so what a document showed just before it navigated
 * away is kept. Reported texts wait in a queue until the binding exists.
 */
function installStatusReporter(): void {
  // Once per document (see `originalAndCopy` for why it can be installed twice).
  const doc = document as Document & { __statusReporter?: boolean };
  if (doc.__statusReporter) return;
  doc.__statusReporter = true;
  type Binding = (text: string, path: string, at: number) => Promise<void>;
  const queue: [string, string, number][] = [];
  let last: string | null = null;
  const flush = (): void => {
    const binding = (window as unknown as { __statusSeen?: Binding }).__statusSeen;
    if (!binding) {
      setTimeout(flush, 50);
      return;
    }
    for (const [text, path, at] of queue.splice(0)) void binding(text, path, at);
  };
  const check = (): void => {
    const text = doc.querySelector('[data-testid="auth-status"]')?.textContent ?? null;
    if (text === null || text === last) return;
    last = text;
    queue.push([text, location.pathname, Date.now()]);
    flush();
  };
  new MutationObserver(check).observe(doc, { childList: true, subtree: true, characterData: true });
  check();
}

/**
 * Checks what the server saw of the refresh requests `ps` (a snapshot; a tab may refresh again
 * meanwhile): each answered 200, each token presented once, no grant error or revocation.
 */
/** Saves a note from `page`, waits for it in the list, and returns its POST (201, sent with `accessToken`). */
async function saveNote(page: Page, log: RequestLog, text: string, accessToken: string): Promise<Recorded> {
  await page.getByTestId('note-input').fill(text);
  await page.getByTestId('add-note').click();
  await page.getByTestId('note-item').filter({ hasText: text }).waitFor();
  const post = log.all.filter((r) => r.page === page && r.method === 'POST' && r.url === `${stack!.api.url}/notes`).at(-1)!;
  expect((await post.request.response())?.status()).toBe(201);
  expect((await post.request.allHeaders())['authorization']).toBe(`Bearer ${accessToken}`);
  return post;
}

async function expectNoReuse(ps: { rec: Recorded; token: string }[], since: number): Promise<{ revoked: boolean; errors: number; serverRefreshes: number }> {
  for (const p of ps) expect(await statusOf(p.rec), `refresh with ${tail(p.token)}`).toBe(200);
  const tokens = ps.map((p) => p.token);
  expect(new Set(tokens).size, 'every refresh token presented once').toBe(tokens.length);
  const events = stack!.events.filter((e) => e.at >= since);
  expect(events.filter((e) => e.type === 'grant.error' || e.type === 'grant.revoked')).toEqual([]);
  const serverRefreshes = stack!.grants('refresh_token', since);
  expect(serverRefreshes).toBeGreaterThanOrEqual(ps.length);
  return { revoked: events.some((e) => e.type === 'grant.revoked'), errors: events.filter((e) => e.type === 'grant.error').length, serverRefreshes };
}

/** Waits until the tab's stored session no longer holds `accessToken`, and returns it. */
const newerSession = async (page: Page, accessToken: string, timeoutMs: number, what: string): Promise<StoredSessionView> =>
  (await waitUntil(async () => {
    const s = await storedSession(page);
    return s && s.tokens.accessToken !== accessToken ? s : undefined;
  }, timeoutMs, what))!;

/**
 * A fresh browser context signed in on /notes (the original tab), and a copy of that tab opened
 * with `window.open(location.href)` from the page itself. Proves the copy happened: the copy's
 * sessionStorage holds the very session (same refresh token, same refreshId), and the copy is
 * signed in without having asked the authorization server for anything.
 */
async function originalAndCopy() {
  const context = await (browser as Browser).newContext();
  contexts.push(context);
  context.setDefaultTimeout(15_000);
  const statuses: StatusSeen[] = [];
  await context.exposeBinding('__statusSeen', ({ page }, text: string, path: string, at: number) => {
    statuses.push({ page, text, path, at });
  });
  await context.addInitScript(installLockProbe);
  await context.addInitScript(installStatusReporter);
  const original = await context.newPage();
  const log = recordRequests(original, stack!);
  // Every later tab of the context is recorded too (the copy, from its first request on).
  context.on('page', (page) => {
    if (page !== original) log.add(page);
  });
  const since = Date.now(); // server events from the sign-in on
  await original.goto(`${stack!.appUrl}/notes`);
  await signIn(original, stack!);
  await original.getByTestId('notes-page').waitFor();
  await original.getByTestId('notes-list').waitFor({ state: 'attached' });
  const first = (await storedSession(original))!;
  expect(first.v).toBe(2);
  expect(first.tokens.refreshToken, 'a refresh token (offline_access)').toBeTruthy();
  expect(first.refreshId, 'a refreshId with the refresh token').toBeTruthy();
  expect(await spentRefreshIds(original)).toEqual([]);

  const [copy] = await Promise.all([original.waitForEvent('popup'), original.evaluate(() => void window.open(location.href))]);
  await copy.waitForURL(`${stack!.appUrl}/notes`);
  // A window.open()ed tab keeps the Window of its initial about:blank document for the same-origin
  // page it loads, and the context's init scripts ran in that about:blank document only: the lock
  // probe (on navigator, which stays) works, the status reporter (on the document) must be
  // installed again here. The copy's later documents get the init scripts as usual.
  await copy.evaluate(installStatusReporter);
  await copy.getByTestId('notes-page').waitFor();
  await copy.getByTestId('notes-list').waitFor({ state: 'attached' });
  const copied = await storageDump(copy);
  expect(JSON.parse(copied.session[SESSION_KEY] ?? 'null'), "the copy's sessionStorage holds the opener's session").toEqual(first);
  expect(await copy.getByTestId('auth-status').textContent()).toBe('authenticated');
  expect(log.all.filter((r) => r.page === copy && new URL(r.url).origin === stack!.issuer), 'the copy asked the authorization server nothing').toEqual([]);
  expect(presented(log)).toEqual([]);
  const dueAt = dueAtOf(first);
  expect(Date.now(), 'both tabs are up well before the shared due time').toBeLessThan(dueAt - 1500);
  return { context, original, copy, log, first, dueAt, since, statuses };
}

describe('a duplicated tab (window.open copies sessionStorage) never reuses a refresh token', () => {
  it('14. the original refreshes first: the copy sends nothing at its due time, drops the token, signs in again after expiry; the grant survives', async () => {
    const { original, copy, log, first, dueAt, since, statuses } = await originalAndCopy();
    const tab = (r: Recorded): string => (r.page === original ? 'original' : r.page === copy ? 'copy' : 'other');

    // The original refreshes now ("Refresh now": auth.refresh()), before the shared due time.
    await original.getByTestId('refresh-now').click();
    const second = await newerSession(original, first.tokens.accessToken, 10_000, "the original's refresh");
    expect(Date.now(), "the original's refresh finished before the copy's timer").toBeLessThan(dueAt);
    const [p1] = presented(log);
    expect(presented(log)).toHaveLength(1);
    expect(tab(p1!.rec)).toBe('original');
    expect(p1!.token).toBe(first.tokens.refreshToken);
    expect(await statusOf(p1!.rec)).toBe(200);
    expect(second.tokens.refreshToken, 'rotated').not.toBe(first.tokens.refreshToken);
    expect(second.refreshId).not.toBe(first.refreshId);
    // The spent token's id (never the token) is in localStorage, which both tabs see.
    expect(await spentRefreshIds(copy)).toEqual([first.refreshId]);
    expect(JSON.stringify((await storageDump(copy)).local)).not.toContain(first.tokens.refreshToken!);
    expect((await lockRequests(copy)).filter((l) => l.name === REFRESH_LOCK)).toEqual([]);

    // The copy's background timer fires at the shared due time. It drops the refresh token it
    // holds (spent by the original) and sends nothing; its access token is kept.
    const dropped = await waitUntil(async () => {
      const s = await storedSession(copy);
      return s && !s.tokens.refreshToken ? s : undefined;
    }, dueAt - Date.now() + 5_000, 'the copy dropping its refresh token');
    const droppedAt = Date.now();
    expect(dropped).toEqual(withoutRefreshToken(first));
    const copyLocks = (await lockRequests(copy)).filter((l) => l.name === REFRESH_LOCK);
    expect(copyLocks.length, 'the copy did reach for the refresh (its timer fired)').toBeGreaterThanOrEqual(1);
    expect(copyLocks[0]!.at).toBeGreaterThanOrEqual(dueAt - 50);
    expect(presented(log).filter((p) => tab(p.rec) === 'copy'), 'the copy sent no refresh request').toEqual([]);
    expect(await copy.getByTestId('auth-status').textContent()).toBe('authenticated');
    expect(await copy.getByTestId('auth-error').count(), 'dropping is silent').toBe(0);
    expect(await copy.getByTestId('token-tail').textContent()).toContain(first.tokens.accessToken.slice(-12));
    const copyDiscoveries = log.discovery(dueAt - 50).filter((r) => tab(r) === 'copy').length;
    // Until its expiry the copy keeps using its access token: a note goes out with it, and no
    // token request is made for it (due, but nothing to refresh with).
    const copyPost = await saveNote(copy, log, `copy before expiry ${Date.now()}`, first.tokens.accessToken);
    expect(copyPost.at).toBeLessThan(first.tokens.expiresAt!);
    expect(log.token(undefined, droppedAt).filter((r) => tab(r) === 'copy')).toEqual([]);
    const quietSince = Date.now();

    // (2) The original refreshes again at its own due time, with the rotated token, and works.
    const dueAt2 = dueAtOf(second);
    await waitUntil(() => presented(log).length >= 2, dueAt2 - Date.now() + 5_000, "the original's background refresh");
    const third = await newerSession(original, second.tokens.accessToken, 5_000, "the original's second refreshed session");
    const p2 = presented(log)[1]!;
    expect(tab(p2.rec)).toBe('original');
    expect(p2.token).toBe(second.tokens.refreshToken);
    expect(await statusOf(p2.rec)).toBe(200);
    expect(p2.rec.at).toBeGreaterThanOrEqual(dueAt2 - 50);
    const text = `original after two refreshes ${Date.now()}`;
    await saveNote(original, log, text, third.tokens.accessToken);
    await original.reload();
    await original.getByTestId('note-item').filter({ hasText: text }).waitFor();
    const reloadGet = log.all.filter((r) => r.page === original && r.method === 'GET' && r.url === `${stack!.api.url}/notes`).at(-1)!;
    expect((await reloadGet.request.response())?.status()).toBe(200);
    expect(await original.getByTestId('auth-status').textContent()).toBe('authenticated');

    // (3) At its access token's expiry the copy's session ends by itself (no refresh token to
    // renew it, no request), RequireAuth starts a login, and the server's session signs the copy
    // in again without a form (same browser session, consent remembered): a new code, a new
    // refresh token.
    const expiredAt = first.tokens.expiresAt!;
    const copyStatus = (from: number) => statuses.filter((s) => s.page === copy && s.at >= from).map((s) => `${s.text} (${s.path})`);
    await waitUntil(() => log.token('authorization_code', expiredAt - 50).some((r) => r.page === copy), Math.max(0, expiredAt - Date.now()) + 15_000, "the copy's new code exchange");
    expect(log.all.filter((r) => r.page === copy && r.at >= quietSince && r.at < expiredAt - 50 && r.resourceType !== 'image'), 'the copy sent nothing before its expiry').toEqual([]);
    expect(statuses.filter((s) => s.page === copy && s.at < expiredAt - 50).map((s) => s.text), 'authenticated until the expiry').toEqual(['authenticated']);
    await copy.waitForURL(`${stack!.appUrl}/notes`);
    await copy.getByTestId('notes-list').waitFor({ state: 'attached' });
    await copy.getByTestId('auth-status').filter({ hasText: /^authenticated$/ }).waitFor();
    const signedInAgainAt = Date.now();
    const fresh = (await storedSession(copy))!;
    const endedAt = statuses.find((st) => st.page === copy && st.text === 'unauthenticated')!.at;
    expect(endedAt).toBeGreaterThanOrEqual(expiredAt - 50);
    const copyNavs = log.navigations(expiredAt - 50).filter((r) => r.page === copy).map((r) => `${new URL(r.url).origin === stack!.issuer ? 'issuer' : 'app'} ${new URL(r.url).pathname}`);
    const copyStatuses = copyStatus(expiredAt - 50);
    // Signed out (in the old document), then the callback document: loading, signed in.
    expect(copyStatuses).toEqual(['unauthenticated (/notes)', 'loading (/callback)', 'authenticated (/callback)']);
    expect(log.all.filter((r) => r.page === copy && r.at >= quietSince && r.method === 'POST' && r.url === `${stack!.api.url}/notes`), 'no note was sent with an expired token').toEqual([]);
    expect(copyNavs[0]).toBe('issuer /auth');
    expect(copyNavs.some((n) => n.startsWith('issuer /interaction/')), 'no login or consent page').toBe(false);
    expect(copyNavs.at(-1)).toBe('app /callback');
    expect(fresh.tokens.refreshToken).toBeTruthy();
    expect([first.tokens.refreshToken, second.tokens.refreshToken, third.tokens.refreshToken]).not.toContain(fresh.tokens.refreshToken);
    expect(fresh.refreshId).not.toBe(first.refreshId);
    expect(presented(log).filter((p) => tab(p.rec) === 'copy')).toEqual([]);

    // (1) Every refresh token was presented once; the server saw no reuse and revoked nothing.
    const ps = presented(log);
    const tokens = ps.map((p) => p.token);
    const server = await expectNoReuse(ps, since);

    report(
      `duplicate tab (original first): refresh requests original ${ps.filter((p) => tab(p.rec) === 'original').length}, copy ${ps.filter((p) => tab(p.rec) === 'copy').length}; ` +
        `tokens presented ${tokens.map(tail).join(', ')} (${new Set(tokens).size} distinct); ` +
        `copy reached for the refresh lock ${copyLocks.map((l) => `${l.at - Math.round(dueAt)} ms`).join(', ')} after the due time, ${copyDiscoveries} discovery request(s), dropped its token (seen ${droppedAt - Math.round(dueAt)} ms after the due time); ` +
        `grant survived: ${server.revoked ? 'no' : 'yes'} (server refresh grants ${server.serverRefreshes}, grant.error ${server.errors}, grant.revoked 0)`,
    );
    report(
      `duplicate tab (original first): the copy's session ended ${endedAt - expiredAt} ms after its token's expiry (no request before); then ${copyStatuses.join(' → ')}, ` +
        `navigations ${copyNavs.join(' → ')}, signed in again ${signedInAgainAt - expiredAt} ms after the expiry (new refresh token ${tail(fresh.tokens.refreshToken)})`,
    );
  });

  it('15. both tabs at the shared due time: one refresh request; the tab that lost the lock drops its copy', async () => {
    const { context, original, copy, log, first, dueAt, since } = await originalAndCopy();
    const tab = (r: Recorded): string => (r.page === original ? 'original' : r.page === copy ? 'copy' : 'other');
    // A slow token endpoint (1 s) for refreshes: whichever tab fires first is still waiting for
    // its answer when the other tab's timer fires, so the race is certain, not luck.
    await context.route(stack!.tokenEndpoint, async (route) => {
      if (new URLSearchParams(route.request().postData() ?? '').get('grant_type') !== 'refresh_token') return route.continue();
      const response = await route.fetch();
      await sleep(1000);
      return route.fulfill({ response });
    });

    await waitUntil(() => presented(log).length > 0, dueAt - Date.now() + 10_000, 'a refresh request');
    await sleep(2500); // the first answer comes after 1 s: room for a second (wrong) request
    const [p1] = presented(log);
    expect(presented(log)).toHaveLength(1);
    expect(p1!.token).toBe(first.tokens.refreshToken);
    expect(await statusOf(p1!.rec)).toBe(200);
    const winner = p1!.rec.page;
    const loser = winner === original ? copy : original;
    const locks = { original: (await lockRequests(original)).filter((l) => l.name === REFRESH_LOCK), copy: (await lockRequests(copy)).filter((l) => l.name === REFRESH_LOCK) };
    // Both tabs reached for the refresh around the due time, while the first request was in flight.
    const inFlight = (l: { at: number }) => l.at >= dueAt - 50 && l.at <= p1!.rec.at + 900;
    expect(locks.original.filter(inFlight).length).toBeGreaterThanOrEqual(1);
    expect(locks.copy.filter(inFlight).length).toBeGreaterThanOrEqual(1);

    const won = await newerSession(winner, first.tokens.accessToken, 5_000, "the winner's refreshed session");
    expect(won.tokens.refreshToken).not.toBe(first.tokens.refreshToken);
    const lost = await waitUntil(async () => {
      const s = await storedSession(loser);
      return s && !s.tokens.refreshToken ? s : undefined;
    }, 5_000, 'the other tab dropping its refresh token');
    expect(lost).toEqual(withoutRefreshToken(first));
    expect(await loser.getByTestId('auth-status').textContent()).toBe('authenticated');
    expect(await spentRefreshIds(loser)).toEqual([first.refreshId]);
    await context.unroute(stack!.tokenEndpoint);

    // The winner refreshes once more (the grant is alive) and saves a note.
    await winner.getByTestId('refresh-now').click();
    const again = await newerSession(winner, won.tokens.accessToken, 10_000, "the winner's further refresh");
    const p2 = presented(log)[1]!;
    expect(presented(log)).toHaveLength(2);
    expect(p2.rec.page).toBe(winner);
    expect(p2.token).toBe(won.tokens.refreshToken);
    expect(await statusOf(p2.rec)).toBe(200);
    await saveNote(winner, log, `winner after the race ${Date.now()}`, again.tokens.accessToken);

    const server = await expectNoReuse(presented(log), since);
    report(
      `duplicate tab (race at the due time): 1 refresh request at the due time, sent by the ${tab(p1!.rec)} ${Math.round(p1!.rec.at - dueAt)} ms after it; ` +
        `refresh lock asked by the original at ${locks.original.map((l) => `${l.at - Math.round(dueAt)} ms`).join(', ')}, by the copy at ${locks.copy.map((l) => `${l.at - Math.round(dueAt)} ms`).join(', ')}; ` +
        `the ${winner === original ? 'copy' : 'original'} dropped its token; the ${tab(p1!.rec)}'s further refresh HTTP ${await statusOf(p2.rec)}; ` +
        `grant survived: ${server.revoked ? 'no' : 'yes'} (grant.error ${server.errors})`,
    );
  });

  it('16. control: with the spent-token list wiped, the copy presents the spent token and the server revokes the grant', async () => {
    const { original, copy, log, first, dueAt, since, statuses } = await originalAndCopy();
    await original.getByTestId('refresh-now').click();
    const second = await newerSession(original, first.tokens.accessToken, 10_000, "the original's refresh");
    expect(await spentRefreshIds(copy)).toEqual([first.refreshId]);
    // Switch the protection off from outside: forget which refresh tokens were presented.
    await copy.evaluate((key) => localStorage.removeItem(key), 'pkce-auth:notes-spa:spent-refresh');
    expect(Date.now()).toBeLessThan(dueAt);

    // At the due time the copy presents the refresh token the original already spent.
    await waitUntil(() => presented(log).some((p) => p.rec.page === copy), dueAt - Date.now() + 5_000, "the copy's refresh request");
    const reuse = presented(log).find((p) => p.rec.page === copy)!;
    expect(reuse.token).toBe(first.tokens.refreshToken);
    await waitUntil(() => stack!.events.some((e) => e.type === 'grant.error' && e.at >= since), 5_000, 'the server refusing the reuse');
    expect(await statusOf(reuse.rec)).toBe(400);

    // The whole grant is gone: at its own due time the original's rotated, never used refresh
    // token is refused too, and the original is signed out.
    const dueAt2 = dueAtOf(second);
    await waitUntil(() => presented(log).filter((p) => p.rec.page === original).length >= 2, dueAt2 - Date.now() + 5_000, "the original's next refresh");
    const next = presented(log).filter((p) => p.rec.page === original)[1]!;
    expect(next.token).toBe(second.tokens.refreshToken);
    await waitUntil(() => stack!.events.filter((e) => e.type === 'grant.error' && e.at >= since).length >= 2, 5_000, 'the second refusal');
    expect(await statusOf(next.rec)).toBe(400);
    const errors = stack!.events.filter((e) => e.type === 'grant.error' && e.at >= since);
    expect(errors.map((e) => e.error)).toEqual(['invalid_grant', 'invalid_grant']);
    expect(stack!.events.filter((e) => e.type === 'grant.revoked' && e.at >= since), 'the server revoked the grant on the reuse').toHaveLength(1);
    await waitUntil(() => statuses.some((s) => s.page === original && s.text === 'unauthenticated'), 5_000, 'the original signed out');
    const events = stack!.events.filter((e) => e.at >= since);
    report(
      `duplicate tab (control, protection wiped): copy presented the spent token ${tail(reuse.token)} → HTTP ${await statusOf(reuse.rec)}; ` +
        `the original's next refresh with its rotated token → HTTP ${await statusOf(next.rec)} (signed out); server events ${JSON.stringify(events.map((e) => [e.type, e.grantType ?? e.error ?? '']))}`,
    );
  });
});
