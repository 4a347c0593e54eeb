/**
 * Bound tokens, pushed logins and per-API tokens in a real browser, against the real authorization
 * server (oidc-provider, DPoP server nonces on), the real notes and tags APIs:
 *
 * - DPoP (`dpop: true`): the login binds the tokens to a non-extractable key kept in IndexedDB, the
 *   callback's token requests (with the nonce retry), a reload keeps the key, a stolen token or
 *   refresh token without the key is refused, and logout deletes the key.
 * - Per-API tokens: the tags API gets a token of its own (its audience, `tags:read`) from ONE
 *   refresh grant with `resource`, then cached.
 * - PAR: `notes-spa-par` must push its authorization requests; with `par: 'true'` it signs in (with
 *   and without DPoP), with `par: 'false'` the server refuses.
 */
import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  closeQuietly,
  dumpPages,
  launchBrowser,
  recordRequests,
  refreshDirect,
  report,
  sessionKey,
  signIn,
  startStack,
  storageDump,
  storedSession,
  TAGS_RESOURCE,
  waitUntil,
  type Recorded,
  type RequestLog,
  type Stack,
  type StackOptions,
} from './harness';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const TAGS_SCOPE = 'tags:read';
/** `apiTokens` key of the tags API's token: `JSON.stringify([resource, scope])`, as the SDK keys it. */
const TAGS_TOKEN_KEY = JSON.stringify([TAGS_RESOURCE, TAGS_SCOPE]);

// ---------------------------------------------------------------------------------------------
// Helpers.

/** The payload of a JWT (access token or DPoP proof), unverified: the servers verify, the tests look. */
function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1];
  if (!payload) throw new Error(`not a JWT: ${jwt.slice(0, 20)}…`);
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const audiencesOf = (jwt: string): unknown[] => {
  const { aud } = claimsOf(jwt);
  return Array.isArray(aud) ? aud : [aud];
};

const jktOf = (jwt: string): unknown => (claimsOf(jwt).cnf as { jkt?: unknown } | undefined)?.jkt;

/** What the page can see of a record in IndexedDB `pkce-auth` / `dpop-keys` (a CryptoKey cannot leave the page). */
interface KeyRecordView {
  id: string;
  pendingUntil?: number;
  privateKey: { type: string; extractable: boolean; algorithm: { name: string; namedCurve?: string }; usages: string[] };
  /** RFC 7638 SHA-256 thumbprint of the public key, computed in the page. */
  thumbprint: string;
}

/**
 * The DPoP key records of the page's origin. Opens the database only if it exists: opening a
 * missing one would create it without its object store and break the SDK's own upgrade.
 */
function dpopKeyRecords(page: Page): Promise<KeyRecordView[]> {
  return page.evaluate(async () => {
    const done = <T,>(request: IDBRequest<T>): Promise<T> =>
      new Promise((ok, fail) => {
        request.onsuccess = () => ok(request.result);
        request.onerror = () => fail(request.error);
      });
    if (!(await indexedDB.databases()).some((d) => d.name === 'pkce-auth')) return [];
    const db = await done(indexedDB.open('pkce-auth'));
    try {
      if (!db.objectStoreNames.contains('dpop-keys')) return [];
      const records = (await done(db.transaction('dpop-keys', 'readonly').objectStore('dpop-keys').getAll())) as {
        id: string;
        pendingUntil?: number;
        keys: CryptoKeyPair;
      }[];
      const b64url = (bytes: ArrayBuffer): string => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      return Promise.all(
        records.map(async ({ id, pendingUntil, keys }) => {
          const { crv, kty, x, y } = await crypto.subtle.exportKey('jwk', keys.publicKey);
          const canonical = JSON.stringify({ crv, kty, x, y });
          const { type, extractable, algorithm, usages } = keys.privateKey;
          return {
            id,
            ...(pendingUntil === undefined ? {} : { pendingUntil }),
            privateKey: { type, extractable, algorithm: { ...(algorithm as EcKeyAlgorithm) }, usages: [...usages] },
            thumbprint: b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical))),
          };
        }),
      );
    } finally {
      db.close();
    }
  });
}

/** A response as seen when it arrived. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  /**
   * Its body, asked for on arrival (it is gone once its document navigates on); undefined when it
   * could not be read. Settles only once the page has read it: a refusal the SDK answers from its
   * headers alone (an API's `use_dpop_nonce`) may leave it unread.
   */
  body: Promise<string | undefined>;
}

/**
 * Records every response of `page` as it arrives. `answerOf(rec)` is then `STATUS[ error]`, e.g.
 * `401 use_dpop_nonce` (the error from `WWW-Authenticate`, else from the JSON body), or `200`.
 */
function recordAnswers(page: Page) {
  const answers = new Map<Request, Promise<Answer>>();
  page.on('response', (response) => {
    const body = response.text().catch(() => undefined);
    answers.set(
      response.request(),
      response.allHeaders().then((headers) => ({ status: response.status(), headers, body })),
    );
  });
  // waitUntil returns only a truthy value: the answer.
  const answer = async (rec: Recorded): Promise<Answer> => (await waitUntil(() => answers.get(rec.request), 10_000, `the answer to ${rec.method} ${rec.url}`))!;
  const answerOf = async (rec: Recorded): Promise<string> => {
    const { status, headers, body } = await answer(rec);
    if (status < 400) return String(status);
    let error = /error="([^"]+)"/.exec(headers['www-authenticate'] ?? '')?.[1];
    if (!error) {
      try {
        const parsed = (JSON.parse((await body) ?? '') as { error?: unknown }).error;
        error = typeof parsed === 'string' ? parsed : undefined;
      } catch {
        error = undefined;
      }
    }
    return `${status} ${error ?? ''}`.trim();
  };
  return { answer, answerOf, answersOf: (recs: Recorded[]): Promise<string[]> => Promise.all(recs.map(answerOf)) };
}

/** The request log of a page and the answers to its requests. */
function record(page: Page, stack: Stack): RequestLog & ReturnType<typeof recordAnswers> {
  return Object.assign(recordRequests(page, stack), recordAnswers(page));
}

type Log = ReturnType<typeof record>;

const headerOf = async (rec: Recorded, name: string): Promise<string | undefined> => (await rec.request.allHeaders())[name.toLowerCase()];

const pathOf = (rec: Recorded): string => `${rec.method} ${new URL(rec.url).pathname}`;

/** The notes page with its list loaded (its GET /notes answered). */
async function notesShown(page: Page): Promise<void> {
  await page.getByTestId('notes-page').waitFor();
  await page.getByTestId('notes-list').waitFor({ state: 'attached' });
}

/** Signed in, wherever the app returned to. */
async function signedInShown(page: Page): Promise<void> {
  await page.getByTestId('auth-status').filter({ hasText: /^authenticated$/ }).waitFor();
}

/** Calls the notes API from Node (not the browser) with exactly these headers. */
async function callNotesApi(stack: Stack, headers: Record<string, string>) {
  const res = await fetch(`${stack.api.url}/notes`, { headers: { accept: 'application/json', ...headers } });
  const body = (await res.json()) as { error?: string; error_description?: string };
  return { status: res.status, challenge: res.headers.get('www-authenticate') ?? '', nonce: res.headers.get('dpop-nonce'), body };
}

/** The discovery document's `pushed_authorization_request_endpoint`. */
async function parEndpointOf(stack: Stack): Promise<string> {
  const meta = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as { pushed_authorization_request_endpoint?: string };
  if (!meta.pushed_authorization_request_endpoint) throw new Error('the dev server announces no pushed_authorization_request_endpoint');
  return meta.pushed_authorization_request_endpoint;
}

// ---------------------------------------------------------------------------------------------
// One browser for the file; each describe starts its stack. All are closed in afterAll.

let browser: Browser | undefined;
const stacks: Stack[] = [];
const contexts: BrowserContext[] = [];

async function stackWith(opts: StackOptions): Promise<Stack> {
  const t = Date.now();
  const stack = await startStack(opts);
  stacks.push(stack);
  report(`bound: stack ${JSON.stringify(opts)} up in ${Date.now() - t} ms; app ${stack.appUrl}, issuer ${stack.issuer}`);
  return stack;
}

/** A page in a fresh browser context (its own cookies, storage and IndexedDB). */
async function newPage(): Promise<Page> {
  const context = await (browser as Browser).newContext();
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context.newPage();
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await dumpPages(task.name, contexts);
});

afterAll(async () => {
  await closeQuietly(...contexts.splice(0), browser);
  const results = await Promise.allSettled(stacks.splice(0).map((s) => s.stop()));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
});

// ---------------------------------------------------------------------------------------------

describe('DPoP (dpop: true, server nonces on): one signed-in tab', () => {
  let stack: Stack;
  let page: Page;
  let log: Log;
  /** The key and thumbprint of the login (D1), which D3 and D6 compare with. */
  let bound: { keyId: string; thumbprint: string };

  beforeAll(async () => {
    stack = await stackWith({ dpop: true });
  });

  it('D1. the login binds the tokens to a non-extractable ECDSA key in IndexedDB whose thumbprint is the token’s cnf.jkt', async () => {
    page = await newPage();
    log = record(page, stack);
    await page.goto(`${stack.appUrl}/notes`);
    await signIn(page, stack);
    await notesShown(page);

    expect(await page.getByTestId('token-type').textContent()).toBe('DPoP');
    const session = (await storedSession(page, stack.clientId))!;
    expect(session, 'the stored session').toBeTruthy();
    expect(session.tokens.tokenType).toBe('DPoP');
    expect(session.dpopKey).toMatch(new RegExp(`^pkce-auth:${stack.clientId}:`));

    const records = await dpopKeyRecords(page);
    expect(records.map((r) => r.id), 'one key record, the session’s').toEqual([session.dpopKey]);
    const [key] = records;
    expect(key!.privateKey.extractable).toBe(false);
    expect(key!.privateKey.algorithm.name).toBe('ECDSA');
    expect(key!.privateKey).toMatchObject({ type: 'private', algorithm: { namedCurve: 'P-256' }, usages: ['sign'] });
    expect(key!.pendingUntil, 'a kept key: no longer a pending login’s').toBeUndefined();

    const jkt = jktOf(session.tokens.accessToken);
    expect(jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const thumbprint = (await page.getByTestId('dpop-thumbprint').textContent())!;
    expect(thumbprint, 'the panel’s thumbprint is the token’s cnf.jkt').toBe(jkt);
    expect(key!.thumbprint, 'the stored key is the one the token is bound to').toBe(jkt);

    // The authorization request named the key (RFC 9449 §10), so the code is bound to it too.
    const authorize = log.navigations().find((r) => r.url.startsWith(`${stack.issuer}/auth?`));
    expect(new URL(authorize!.url).searchParams.get('dpop_jkt')).toBe(jkt);
    // Not pushed (par: 'auto', and notes-spa need not): only discovery before the redirect (P1 compares).
    const beforeRedirect = log.all.slice(0, log.all.indexOf(authorize!)).filter((r) => log.toIssuer().includes(r));
    expect(beforeRedirect.map(pathOf)).toEqual(['GET /.well-known/openid-configuration']);
    bound = { keyId: session.dpopKey!, thumbprint };
  });

  it('D2. the callback sends the code exchange with a proof (once more with the server’s nonce) and no discovery', async () => {
    const index = log.all.findIndex((r) => r.isNavigation && r.url.startsWith(`${stack.appUrl}/callback?`));
    expect(index, 'the redirect to /callback').toBeGreaterThanOrEqual(0);
    const after = log.all.slice(index);
    const tokenRequests = log.token().filter((r) => after.includes(r));
    const answers = await log.answersOf(tokenRequests);
    // Nonces are on and the callback document knows none yet: the first proof is refused with one.
    expect(answers).toEqual(['400 use_dpop_nonce', '200']);
    for (const r of tokenRequests) {
      expect(new URLSearchParams(r.postData ?? '').get('grant_type')).toBe('authorization_code');
      expect(await headerOf(r, 'DPoP'), 'a DPoP proof on every token request').toMatch(/^ey/);
    }
    const [first, retry] = await Promise.all(tokenRequests.map(async (r) => claimsOf((await headerOf(r, 'DPoP'))!)));
    expect(first!.nonce).toBeUndefined();
    expect(retry!.nonce, 'the retry carries the nonce the server sent').toBe((await log.answer(tokenRequests[0]!)).headers['dpop-nonce']);
    expect(first!.jti).not.toBe(retry!.jti);
    expect(log.discovery().filter((r) => after.includes(r))).toHaveLength(0);
    expect(stack.grants('authorization_code')).toBe(1);
    const toIssuer = log.toIssuer().filter((r) => after.includes(r));
    expect(toIssuer.map(pathOf)).toEqual(tokenRequests.map(pathOf));

    const notesCalls = after.filter((r) => r.url === `${stack.api.url}/notes` && r.method === 'GET');
    const notesAnswers = await log.answersOf(notesCalls);
    // The notes API has a nonce of its own, unknown to the page until its first refusal.
    expect(notesAnswers).toEqual(['401 use_dpop_nonce', '200']);
    report(
      `DPoP callback: ${tokenRequests.length} token request(s) [${answers.join(', ')}], ${toIssuer.length} request(s) to the authorization server, ` +
        `${log.discovery().filter((r) => after.includes(r)).length} discovery; GET /notes ${notesCalls.length} request(s) [${notesAnswers.join(', ')}]; ` +
        `${after.length} requests in all from /callback until the notes list`,
    );
  });

  it('D3. a reload keeps the key: same record, same thumbprint, and a note saved through the UI is accepted with a DPoP proof', async () => {
    const before = Date.now();
    await page.reload();
    await notesShown(page);
    expect(await page.getByTestId('auth-status').textContent()).toBe('authenticated');
    expect(await page.getByTestId('token-type').textContent()).toBe('DPoP');
    expect(await page.getByTestId('dpop-thumbprint').textContent()).toBe(bound.thumbprint);
    expect((await storedSession(page, stack.clientId))!.dpopKey).toBe(bound.keyId);
    const records = await dpopKeyRecords(page);
    expect(records.map((r) => [r.id, r.thumbprint])).toEqual([[bound.keyId, bound.thumbprint]]);
    expect(log.token(undefined, before), 'no token request on reload').toHaveLength(0);

    const text = `bound note ${Date.now()}`;
    await page.getByTestId('note-input').fill(text);
    await page.getByTestId('add-note').click();
    await page.getByTestId('notes-list').getByTestId('note-item').filter({ hasText: text }).waitFor();

    const posts = log.all.filter((r) => r.method === 'POST' && r.url === `${stack.api.url}/notes` && r.at >= before);
    // The GET /notes after the reload already got the notes API's nonce: the POST needs no retry.
    expect(await log.answersOf(posts)).toEqual(['201']);
    const accessToken = (await storedSession(page, stack.clientId))!.tokens.accessToken;
    expect(await headerOf(posts[0]!, 'Authorization')).toBe(`DPoP ${accessToken}`);
    const proof = claimsOf((await headerOf(posts[0]!, 'DPoP'))!);
    expect(proof).toMatchObject({ htm: 'POST', htu: `${stack.api.url}/notes`, ath: createHash('sha256').update(accessToken).digest('base64url') });
    expect(typeof proof.nonce).toBe('string');

    // A new document remembers no nonce: its first GET /notes is refused once more.
    const gets = log.all.filter((r) => r.method === 'GET' && r.url === `${stack.api.url}/notes` && r.at >= before);
    const getAnswers = await log.answersOf(gets);
    expect(getAnswers).toEqual(['401 use_dpop_nonce', '200']);
    report(`DPoP reload: GET /notes ${gets.length} request(s) [${getAnswers.join(', ')}], POST /notes ${posts.length} [201]; 0 token requests`);
  });

  it('D4. the access token without the browser’s key is refused by the notes API: as Bearer, as DPoP without a proof, with another key’s proof', async () => {
    const accessToken = (await storedSession(page, stack.clientId))!.tokens.accessToken;

    const asBearer = await callNotesApi(stack, { authorization: `Bearer ${accessToken}` });
    expect(asBearer.status).toBe(401);
    expect(asBearer.body.error).toBe('invalid_token');
    expect(asBearer.body.error_description).toContain('bound to a DPoP key');
    expect(asBearer.challenge).toMatch(/^Bearer error="invalid_token".*, DPoP algs="/);

    const withoutProof = await callNotesApi(stack, { authorization: `DPoP ${accessToken}` });
    expect(withoutProof.status).toBe(401);
    expect(withoutProof.body.error).toBe('invalid_dpop_proof');
    expect(withoutProof.body.error_description).toContain('DPoP proof is required');
    expect(withoutProof.challenge).toMatch(/^DPoP error="invalid_dpop_proof"/);

    // An attacker's own key, with a well-formed proof for this request and the API's nonce.
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const proof = await new SignJWT({
      htm: 'GET',
      htu: `${stack.api.url}/notes`,
      ath: createHash('sha256').update(accessToken).digest('base64url'),
      nonce: withoutProof.nonce ?? undefined,
      jti: crypto.randomUUID(),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) })
      .setIssuedAt()
      .sign(privateKey);
    const otherKey = await callNotesApi(stack, { authorization: `DPoP ${accessToken}`, dpop: proof });
    expect(otherKey.status).toBe(401);
    expect(otherKey.body.error).toBe('invalid_dpop_proof');
    expect(otherKey.body.error_description).toContain('another key');
    report(
      `DPoP replay: Bearer → ${asBearer.status} ${asBearer.body.error}; DPoP without proof → ${withoutProof.status} ${withoutProof.body.error}; ` +
        `DPoP with another key's proof → ${otherKey.status} ${otherKey.body.error}`,
    );
  });

  it('D5. the refresh token without a proof is refused by the authorization server (bound to the key for a public client)', async () => {
    const session = (await storedSession(page, stack.clientId))!;
    expect(session.tokens.refreshToken, 'a refresh token in the stored session').toBeTruthy();
    const since = Date.now();
    const stolen = await refreshDirect(stack, session.tokens.refreshToken!, stack.clientId);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect(stack.grants('refresh_token', since)).toBe(0);
    expect(stack.events.filter((e) => e.type === 'grant.error' && e.at >= since).map((e) => `${e.grantType} ${e.error}`)).toEqual(['refresh_token invalid_grant']);
    // Refused before it was consumed: D6's refresh (with the key) uses this very refresh token.
    expect((await storedSession(page, stack.clientId))!.tokens.refreshToken).toBe(session.tokens.refreshToken);
    report(`DPoP refresh without a proof: ${stolen.status} ${String(stolen.body.error)} (${String(stolen.body.error_description)})`);
  });

  it('D6. the tags API gets a token of its own (aud tags API, tags:read) from ONE refresh grant with resource; a second load sends no token request', async () => {
    const since = Date.now();
    const before = (await storedSession(page, stack.clientId))!;
    expect(before.apiTokens?.[TAGS_TOKEN_KEY], 'no tags token before the tags are asked for').toBeUndefined();

    await page.getByTestId('load-tags').click();
    await page.getByTestId('tags-list').or(page.getByTestId('tags-error')).waitFor();
    expect(await page.getByTestId('tags-error').allTextContents()).toEqual([]);

    const session = (await storedSession(page, stack.clientId))!;
    const own = session.tokens.accessToken;
    const tags = session.apiTokens?.[TAGS_TOKEN_KEY];
    expect(Object.keys(session.apiTokens ?? {})).toEqual([TAGS_TOKEN_KEY]);
    expect(tags!.tokens.tokenType).toBe('DPoP');
    expect(audiencesOf(tags!.tokens.accessToken)).toEqual([TAGS_RESOURCE]);
    expect(String(claimsOf(tags!.tokens.accessToken).scope).split(' ')).toContain(TAGS_SCOPE);
    expect(jktOf(tags!.tokens.accessToken), 'bound to the same key').toBe(bound.thumbprint);
    expect(audiencesOf(own), 'the session’s own token stays the notes API’s').toEqual([stack.auth.resource]);
    expect(stack.auth.resource).toBe('http://localhost:4001');
    expect(own).toBe(before.tokens.accessToken);

    // One refresh grant for the tags API. The page was reloaded (D3) and has not sent the authorization
    // server a proof since, so it knows no nonce: the first proof is refused (the grant unused), the retry granted.
    const refreshes = log.token('refresh_token', since);
    const answers = await log.answersOf(refreshes);
    expect(answers).toEqual(['400 use_dpop_nonce', '200']);
    for (const r of refreshes) {
      const body = new URLSearchParams(r.postData ?? '');
      expect(body.getAll('resource')).toEqual([TAGS_RESOURCE]);
      expect(body.get('scope')).toBe(TAGS_SCOPE);
      expect(body.get('refresh_token')).toBe(before.tokens.refreshToken);
    }
    expect(stack.grants('refresh_token', since)).toBe(1);
    expect(log.token(undefined, since)).toEqual(refreshes);
    // The refresh token rotated; the session keeps the new one.
    expect(session.tokens.refreshToken).not.toBe(before.tokens.refreshToken);

    const tagCalls = log.all.filter((r) => r.url === `${stack.tags.url}/tags` && r.method === 'GET' && r.at >= since);
    const tagAnswers = await log.answersOf(tagCalls);
    expect(tagAnswers, 'the tags API has a nonce of its own too').toEqual(['401 use_dpop_nonce', '200']);
    expect(await headerOf(tagCalls.at(-1)!, 'Authorization')).toBe(`DPoP ${tags!.tokens.accessToken}`);

    // Again: the cached token, no token request.
    const again = Date.now();
    await page.getByTestId('load-tags').click();
    await waitUntil(
      async () => {
        const calls = log.all.filter((r) => r.url === `${stack.tags.url}/tags` && r.method === 'GET' && r.at >= again);
        return calls.length > 0 && (await log.answerOf(calls.at(-1)!)) === '200';
      },
      10_000,
      'the second GET /tags answered 200',
    );
    await page.getByTestId('tags-list').waitFor();
    expect(log.token(undefined, again)).toHaveLength(0);
    expect(log.toIssuer(again)).toHaveLength(0);
    expect((await storedSession(page, stack.clientId))!.apiTokens?.[TAGS_TOKEN_KEY]?.tokens.accessToken).toBe(tags!.tokens.accessToken);
    report(
      `per-API token: ${refreshes.length} token request(s) for the tags API [${answers.join(', ')}] (resource=${TAGS_RESOURCE}, scope=${TAGS_SCOPE}), ` +
        `${log.discovery(since).length} discovery, GET /tags ${tagCalls.length} [${tagAnswers.join(', ')}]; second load: ${log.token(undefined, again).length} token requests`,
    );
  });

  it('D7. logout deletes the key from IndexedDB', async () => {
    expect((await dpopKeyRecords(page)).map((r) => r.id)).toEqual([bound.keyId]);
    const before = Date.now();
    await page.getByTestId('logout-button').click();
    await waitUntil(() => page.url() === `${stack.appUrl}/` && log.navigations(before).some((r) => r.url.startsWith(`${stack.issuer}/session/end`)), 15_000, 'the end-session endpoint and the return to /');
    await page.getByTestId('auth-status').filter({ hasText: 'unauthenticated' }).waitFor();
    expect(await dpopKeyRecords(page)).toEqual([]);
    const stored = await storageDump(page);
    expect(stored.session[sessionKey(stack.clientId)]).toBeUndefined();
    const revocations = log.all.filter((r) => r.method === 'POST' && r.url === `${stack.issuer}/token/revocation` && r.at >= before);
    expect(await log.answersOf(revocations), 'the bound refresh token is revoked (no proof needed)').toEqual(['200']);
    expect(await page.getByTestId('auth-error').count()).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe.each([{ dpop: false }, { dpop: true }])('PAR-only client notes-spa-par, par: true, dpop: $dpop', ({ dpop }) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await stackWith({ clientId: 'notes-spa-par', par: 'true', dpop });
  });

  it(`P1. signs in with one pushed request: the authorization URL carries only client_id and request_uri (dpop: ${dpop})`, async () => {
    const parEndpoint = await parEndpointOf(stack);
    const page = await newPage();
    const log = record(page, stack);
    await page.goto(`${stack.appUrl}/`);
    await page.getByTestId('login-button').waitFor();
    const clickedAt = Date.now();
    const firstAfterClick = log.all.length;
    await page.getByTestId('login-button').click();
    await signIn(page, stack);
    await signedInShown(page);

    const sinceClick = log.all.slice(firstAfterClick);
    const authorizeIndex = sinceClick.findIndex((r) => r.isNavigation && r.url.startsWith(`${stack.issuer}/auth?`));
    expect(authorizeIndex, 'the navigation to the authorization endpoint').toBeGreaterThanOrEqual(0);
    const beforeRedirect = sinceClick.slice(0, authorizeIndex).filter((r) => new URL(r.url).origin === stack.issuer);
    const pushes = beforeRedirect.filter((r) => r.method === 'POST' && r.url === parEndpoint);
    expect(pushes).toHaveLength(1);
    // One round trip more than a login that is not pushed (D1: discovery only).
    expect(beforeRedirect.map(pathOf)).toEqual(['GET /.well-known/openid-configuration', `POST ${new URL(parEndpoint).pathname}`]);
    expect(await log.answersOf(pushes)).toEqual(['201']);
    const pushed = new URLSearchParams(pushes[0]!.postData ?? '');
    expect(pushed.get('client_id')).toBe('notes-spa-par');
    expect(pushed.get('code_challenge_method')).toBe('S256');
    expect(pushed.get('redirect_uri')).toBe(`${stack.appUrl}/callback`);

    const authorize = new URL(sinceClick[authorizeIndex]!.url);
    expect([...authorize.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(authorize.searchParams.get('client_id')).toBe('notes-spa-par');
    // (The push's answer body is not readable here: the page navigates on as soon as it has read it.)
    expect(authorize.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]+$/);

    const session = (await storedSession(page, stack.clientId))!;
    expect(session.clientId).toBe('notes-spa-par');
    expect(session.tokens.tokenType).toBe(dpop ? 'DPoP' : 'Bearer');
    if (dpop) expect(pushed.get('dpop_jkt'), 'the pushed request names the key').toBe(jktOf(session.tokens.accessToken));
    else expect(jktOf(session.tokens.accessToken)).toBeUndefined();

    const callbackIndex = log.all.findIndex((r) => r.isNavigation && r.url.startsWith(`${stack.appUrl}/callback?`));
    const afterCallback = log.all.slice(callbackIndex);
    const tokenRequests = log.token().filter((r) => afterCallback.includes(r));
    const tokenAnswers = await log.answersOf(tokenRequests);
    expect(tokenAnswers).toEqual(dpop ? ['400 use_dpop_nonce', '200'] : ['200']);
    expect(log.discovery().filter((r) => afterCallback.includes(r))).toHaveLength(0);
    const timing = pushes[0]!.request.timing();
    report(
      `PAR (dpop: ${dpop}): requests to the authorization server between the click and the authorization redirect: ` +
        `${beforeRedirect.map(pathOf).join(', ')} → ${pushes.length} extra round trip (push ${Math.round(timing.responseEnd)} ms); ` +
        `authorization URL params [${[...authorize.searchParams.keys()].join(', ')}]; callback token requests ${tokenRequests.length} [${tokenAnswers.join(', ')}]; ` +
        `${Date.now() - clickedAt} ms from click to signed in`,
    );
  });
});

describe('PAR-only client notes-spa-par, par: false', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await stackWith({ clientId: 'notes-spa-par', par: 'false' });
  });

  it('P2. an authorization request that is not pushed is refused by the server; the app shows the error, no token request', async () => {
    const page = await newPage();
    const log = record(page, stack);
    await page.goto(`${stack.appUrl}/`);
    await page.getByTestId('login-button').click();
    await page.getByTestId('auth-error').waitFor();
    const text = (await page.getByTestId('auth-error').textContent()) ?? '';
    expect(text).toContain('invalid_request');
    const authorize = log.navigations().find((r) => r.url.startsWith(`${stack.issuer}/auth?`));
    expect(new URL(authorize!.url).searchParams.get('request_uri')).toBeNull();
    const parEndpoint = await parEndpointOf(stack);
    expect(log.all.filter((r) => r.method === 'POST' && r.url === parEndpoint)).toHaveLength(0);
    expect(log.token()).toHaveLength(0);
    expect(await storedSession(page, stack.clientId)).toBeNull();
    report(`PAR refused (par: false): the app shows "${text.trim()}"`);
  });
});
