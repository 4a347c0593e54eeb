/**
 * End-to-end harness for the Notes app: a real authorization server (`@pkce-auth/dev-server`),
 * the real notes API and tags API, the app built by Vite with the servers' actual URLs baked in, served from
 * a small static server, and a headless Chromium driven with playwright-core. In BFF mode
 * ({@link startBffStack}) the app is built with `VITE_AUTH_MODE=bff` and served by the BFF mode's
 * own server with `@pkce-auth/bff` mounted, as `pnpm dev:bff` runs them.
 *
 * Everything binds to 127.0.0.1 on free ports. A "stack" is one authorization server + the two APIs +
 * app build + static server; a test file starts one (or more) in `beforeAll` and stops it in
 * `afterAll` whatever happened.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBff } from '@pkce-auth/bff';
import { CLIENTS, defaultClients, startDevServer, type DevServer } from '@pkce-auth/dev-server';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { appFiles } from '../server/appFiles.mjs';
import { notesBffOptions, startBffAppServer, withBackchannelLogoutAt, type BffAppServer } from '../server/bffServer.mjs';
import { createNotesApi, type NotesApi } from '../server/notesApi.mjs';
import { createTagsApi, type TagsApi } from '../server/tagsApi.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../scripts/chromium.mjs';

/** The example's root (where vite.config.ts and index.html live). */
export const APP_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export const DEMO = { username: 'demo', password: 'demo', name: 'Demo User', sub: 'demo-user' } as const;
export const CLIENT_ID = 'notes-spa';
/** The tags API's resource indicator (its tokens' `aud`), as the dev server and the app know it. */
export const TAGS_RESOURCE = 'http://localhost:4002';
/** Where the SDK stores a client's session (the storage kind is the app's `VITE_AUTH_STORAGE`). */
export const sessionKey = (clientId: string = CLIENT_ID): string => `pkce-auth:${clientId}:session`;
/** localStorage: the `refreshId`s of refresh tokens any tab of the origin already presented. */
export const spentRefreshKey = (clientId: string = CLIENT_ID): string => `pkce-auth:${clientId}:spent-refresh`;
/** The Web Lock every refresh of the client runs under (all storage kinds). */
export const refreshLock = (clientId: string = CLIENT_ID): string => `pkce-auth:${clientId}:refresh`;
/** {@link sessionKey} of `notes-spa`, the stacks' default client. */
export const SESSION_KEY = sessionKey();
/** {@link spentRefreshKey} of `notes-spa`. */
export const SPENT_REFRESH_KEY = spentRefreshKey();
/** {@link refreshLock} of `notes-spa`. */
export const REFRESH_LOCK = refreshLock();

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Prints a measured figure so that it shows in the vitest output. */
export function report(line: string): void {
  console.log(`[e2e] ${line}`);
}

// ---------------------------------------------------------------------------------------------
// Static server for the built app, with SPA fallback to index.html (server/appFiles.mjs).

export interface StaticServer {
  origin: string;
  port: number;
  /** Requests served so far (method + path), for server-side counting. */
  log: { method: string; path: string; at: number }[];
  /** Points the server at a build output directory; until then it answers 503. */
  setRoot(dir: string): void;
  /**
   * Answers matching requests with a 302 to another URL instead of the file: `fn` gets the
   * request's URL and returns where to send the browser, or undefined to serve as usual. Lets a
   * test tamper with what arrives at the redirect URI. `undefined` removes it.
   */
  setRedirect(fn: ((url: URL) => string | undefined) | undefined): void;
  /** Response headers added to everything the server answers from now on (e.g. a COOP); mutable. */
  headers: Record<string, string>;
  stop(): Promise<void>;
}

export async function startStaticServer(): Promise<StaticServer> {
  let files: ReturnType<typeof appFiles> | undefined;
  let redirect: ((url: URL) => string | undefined) | undefined;
  const headers: Record<string, string> = {};
  const log: StaticServer['log'] = [];
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    log.push({ method, path: decodeURIComponent(url.pathname), at: Date.now() });
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const to = redirect?.(url);
    if (to !== undefined) {
      res.statusCode = 302;
      res.setHeader('Location', to);
      res.setHeader('Cache-Control', 'no-store');
      res.end();
      return;
    }
    if (!files) {
      res.statusCode = 503;
      res.end('the app is being built');
      return;
    }
    return files(req, res);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.statusCode = 500;
      res.end(String(err));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    log,
    setRoot(dir) {
      files = appFiles(dir);
    },
    setRedirect(fn) {
      redirect = fn;
    },
    headers,
    stop() {
      stopped ??= new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return stopped;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Building the app with the servers' URLs (Vite inlines VITE_* at build time).

let buildQueue: Promise<unknown> = Promise.resolve();

/**
 * Builds the example with Vite's JS API into a fresh temp directory, with `env` as the `VITE_*`
 * variables. Vite reads them from `process.env` (which wins over .env files); `envDir` points at
 * an empty directory so a developer's `.env.local` cannot leak into the test build. Builds in one
 * process are serialised because `process.env` is shared. `nodeEnv` is `production` (what users
 * ship) unless `E2E_NODE_ENV=development` asks for React's development build (StrictMode runs
 * every effect twice there: a good check of "one code exchange per callback").
 */
export function buildApp(env: Record<string, string>, nodeEnv = process.env.E2E_NODE_ENV ?? 'production'): Promise<string> {
  const run = async (): Promise<string> => {
    const { build } = await import('vite');
    const outDir = await mkdtemp(join(tmpdir(), 'notes-e2e-dist-'));
    const envDir = await mkdtemp(join(tmpdir(), 'notes-e2e-env-'));
    const saved = new Map<string, string | undefined>();
    for (const key of Object.keys(process.env)) {
      if (key.startsWith('VITE_')) saved.set(key, process.env[key]);
      if (key.startsWith('VITE_')) delete process.env[key];
    }
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build
    // (StrictMode double effects, dev warnings). Build what users ship unless asked otherwise.
    const all = { NODE_ENV: nodeEnv, ...env };
    for (const [key, value] of Object.entries(all)) {
      if (!saved.has(key)) saved.set(key, process.env[key]);
      process.env[key] = value;
    }
    try {
      await build({
        root: APP_ROOT,
        configFile: join(APP_ROOT, 'vite.config.ts'),
        mode: 'production',
        logLevel: 'warn',
        envDir,
        build: { outDir, emptyOutDir: true },
      });
    } finally {
      for (const [key, value] of saved) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await rm(envDir, { recursive: true, force: true });
    }
    return outDir;
  };
  const result = buildQueue.then(run, run);
  buildQueue = result.catch(() => undefined);
  return result;
}

// ---------------------------------------------------------------------------------------------
// A stack: authorization server + notes API + tags API + built app + static server.

export interface ServerEvent {
  type: string;
  at: number;
  grantType?: string;
  error?: string;
}

export interface Stack {
  auth: DevServer;
  api: NotesApi;
  /** The tags API (audience {@link TAGS_RESOURCE}, scope `tags:read`). */
  tags: TagsApi;
  app: StaticServer;
  /** `http://127.0.0.1:<port>`: the app's origin. */
  appUrl: string;
  issuer: string;
  tokenEndpoint: string;
  /** The client id the app was built with (`VITE_AUTH_CLIENT_ID`): its storage keys and grants are this client's. */
  clientId: string;
  /** oidc-provider events seen by the authorization server (server-side counting). */
  events: ServerEvent[];
  /** The tokens of every token response the authorization server gave, to any client. */
  issued: IssuedTokens[];
  /** Server-side count of successful token responses of one grant type since `since` (epoch ms). */
  grants(grantType: string, since?: number): number;
  /** Every request the notes API and the tags API received, in order (CORS preflights included). */
  apiRequests: ApiRequest[];
  stop(): Promise<void>;
}

/** One successful token response of the authorization server, as the client received it. */
export interface IssuedTokens {
  clientId: string | undefined;
  grantType: string | undefined;
  accessToken: string | undefined;
  refreshToken: string | undefined;
  idToken: string | undefined;
  at: number;
}

export interface StackOptions {
  accessTokenTtl?: number;
  storage?: 'session' | 'local' | 'memory';
  /** The app's `VITE_AUTH_DPOP`: bind its tokens to a browser key. Default `false`. */
  dpop?: boolean;
  /** The app's `VITE_AUTH_PAR`. Default `'auto'`. */
  par?: 'auto' | 'true' | 'false';
  /** The app's `VITE_AUTH_CLIENT_ID`, e.g. `notes-spa-par` (which must push). Default {@link CLIENT_ID}. */
  clientId?: string;
  /** The app's `VITE_AUTH_RESTORE`: a `prompt=none` session restore at start-up. Default `false` (the tests count every request). */
  restore?: boolean;
  /** The app's `VITE_AUTH_ROUTER`: guards as components, or a data router's loaders. Default `'components'`. */
  router?: 'components' | 'data';
  /** The build's NODE_ENV; `development` makes StrictMode replay effects. Default: {@link buildApp}'s. */
  nodeEnv?: 'production' | 'development';
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const started: { stop(): Promise<void> }[] = [];
  const outDirs: string[] = [];
  try {
    // The static server comes first: its origin must be registered with the authorization server.
    const app = await startStaticServer();
    started.push(app);
    // DPoP nonces, PAR and the tags resource are the dev server's defaults; spelled out because the stack relies on them.
    const auth = await startDevServer({
      port: 0,
      appOrigins: [app.origin],
      tagsResource: TAGS_RESOURCE,
      dpopNonce: true,
      ...(opts.accessTokenTtl !== undefined ? { accessTokenTtl: opts.accessTokenTtl } : {}),
    });
    started.push(auth);
    const { apiRequests, tap } = tapApis();
    const api = await createNotesApi({ issuer: auth.issuer, audience: auth.resource, port: 0, allowedOrigins: [app.origin], onRequest: tap('notes') });
    started.push(api);
    // Its publicOrigin (the htu of DPoP proofs) is its own URL, the default: the app calls it there.
    const tags = await createTagsApi({ issuer: auth.issuer, audience: auth.tagsResource, port: 0, allowedOrigins: [app.origin], onRequest: tap('tags') });
    started.push(tags);

    const { events, issued } = recordServer(auth);

    const clientId = opts.clientId ?? CLIENT_ID;
    const outDir = await buildApp({
      VITE_AUTH_ISSUER: auth.issuer,
      VITE_NOTES_API_URL: api.url,
      VITE_AUTH_AUDIENCE: auth.resource,
      VITE_AUTH_STORAGE: opts.storage ?? 'session',
      VITE_TAGS_API_URL: tags.url,
      VITE_TAGS_RESOURCE: auth.tagsResource,
      VITE_AUTH_DPOP: opts.dpop ? 'true' : 'false',
      VITE_AUTH_PAR: opts.par ?? 'auto',
      VITE_AUTH_CLIENT_ID: clientId,
      VITE_AUTH_RESTORE: opts.restore ? 'true' : 'false',
      VITE_AUTH_ROUTER: opts.router ?? 'components',
    }, opts.nodeEnv);
    outDirs.push(outDir);
    app.setRoot(outDir);

    const discovery = (await (await fetch(`${auth.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    return {
      auth,
      api,
      tags,
      app,
      appUrl: app.origin,
      issuer: auth.issuer,
      tokenEndpoint: discovery.token_endpoint,
      clientId,
      events,
      issued,
      grants: grantsOf(events),
      apiRequests,
      stop: () => stopAll(started, outDirs),
    };
  } catch (err) {
    await stopAll(started, outDirs);
    throw err;
  }
}

/** What an API received (CORS preflights included), as the API saw it. */
export interface ApiRequest {
  api: 'notes' | 'tags';
  method: string;
  /** Path and query. */
  path: string;
  authorization: string | null;
  cookie: string | null;
  csrf: string | null;
  at: number;
}

/** A log of the requests the APIs receive, and the `onRequest` of each API that writes it. */
function tapApis(): { apiRequests: ApiRequest[]; tap: (api: ApiRequest['api']) => (req: IncomingMessage) => void } {
  const apiRequests: ApiRequest[] = [];
  const tap = (api: ApiRequest['api']) => (req: IncomingMessage) => {
    const header = (name: string): string | null => {
      const value = req.headers[name];
      return value === undefined ? null : String(value);
    };
    apiRequests.push({ api, method: req.method ?? 'GET', path: req.url ?? '/', authorization: header('authorization'), cookie: header('cookie'), csrf: header('x-csrf'), at: Date.now() });
  };
  return { apiRequests, tap };
}

/** What the authorization server did: its events, and the tokens of each token response. */
export function recordServer(auth: DevServer): { events: ServerEvent[]; issued: IssuedTokens[] } {
  const events: ServerEvent[] = [];
  const issued: IssuedTokens[] = [];
  const provider = auth.provider as unknown as { on(event: string, fn: (...args: unknown[]) => void): void };
  type Ctx = { oidc?: { params?: { grant_type?: unknown }; client?: { clientId?: unknown } }; body?: unknown };
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  provider.on('grant.success', (ctx) => {
    const { oidc, body } = ctx as Ctx;
    const grantType = text(oidc?.params?.grant_type);
    const at = Date.now();
    events.push({ type: 'grant.success', at, ...(grantType ? { grantType } : {}) });
    // The token response the client got (oidc-provider has set it when it emits the event).
    const tokens = (body ?? {}) as Record<string, unknown>;
    issued.push({
      clientId: text(oidc?.client?.clientId),
      grantType,
      accessToken: text(tokens.access_token),
      refreshToken: text(tokens.refresh_token),
      idToken: text(tokens.id_token),
      at,
    });
  });
  provider.on('grant.error', (ctx, err) => {
    const grantType = (ctx as Ctx).oidc?.params?.grant_type;
    const error = (err as { error?: unknown } | undefined)?.error;
    events.push({
      type: 'grant.error',
      at: Date.now(),
      ...(typeof grantType === 'string' ? { grantType } : {}),
      ...(typeof error === 'string' ? { error } : {}),
    });
  });
  for (const type of ['grant.revoked', 'refresh_token.destroyed', 'refresh_token.consumed', 'end_session.success', 'authorization.error', 'revocation.error', 'backchannel.success']) {
    provider.on(type, () => events.push({ type, at: Date.now() }));
  }
  // OIDC Back-Channel Logout: the server's logout token to notes-bff, and why it failed.
  provider.on('backchannel.error', (_ctx, err) => events.push({ type: 'backchannel.error', at: Date.now(), error: err instanceof Error ? err.message : String(err) }));
  return { events, issued };
}

const grantsOf =
  (events: ServerEvent[]) =>
  (grantType: string, since = 0): number =>
    events.filter((e) => e.type === 'grant.success' && e.grantType === grantType && e.at >= since).length;

// ---------------------------------------------------------------------------------------------
// A BFF stack: authorization server + notes API + tags API + the app built in BFF mode, served by
// the BFF mode's own server (server/bffServer.mjs, as `pnpm dev:bff` runs it) with @pkce-auth/bff.

export interface BffStack {
  auth: DevServer;
  api: NotesApi;
  tags: TagsApi;
  app: BffAppServer;
  /** `http://localhost:<port>`: the app's origin and the BFF's `baseUrl` (another site than the issuer on 127.0.0.1, as under `pnpm dev:bff`). */
  appUrl: string;
  issuer: string;
  tokenEndpoint: string;
  /** The BFF's confidential client, `notes-bff`. */
  clientId: string;
  clientSecret: string;
  events: ServerEvent[];
  issued: IssuedTokens[];
  grants(grantType: string, since?: number): number;
  /** Every request the notes API and the tags API received, in order. */
  apiRequests: ApiRequest[];
  /** What the BFF reported to `onError` (a failed revocation, an error behind a 500). */
  bffErrors: unknown[];
  stop(): Promise<void>;
}

export async function startBffStack(): Promise<BffStack> {
  const started: { stop(): Promise<void> }[] = [];
  const outDirs: string[] = [];
  try {
    // The app's server listens first: the authorization server registers its origin, the BFF lives on it.
    const app = await startBffAppServer({ port: 0, host: 'localhost' });
    started.push(app);
    const { clientId, clientSecret } = CLIENTS.bff;
    const auth = await startDevServer({
      port: 0,
      appOrigins: [app.origin],
      tagsResource: TAGS_RESOURCE,
      clients: withBackchannelLogoutAt(defaultClients({ appOrigins: [app.origin] }), clientId, app.origin),
    });
    started.push(auth);
    const { apiRequests, tap } = tapApis();
    const api = await createNotesApi({ issuer: auth.issuer, audience: auth.resource, port: 0, onRequest: tap('notes') });
    started.push(api);
    const tags = await createTagsApi({ issuer: auth.issuer, audience: auth.tagsResource, port: 0, onRequest: tap('tags') });
    started.push(tags);
    const { events, issued } = recordServer(auth);

    const outDir = await buildApp({ VITE_AUTH_MODE: 'bff', VITE_AUTH_ISSUER: auth.issuer, VITE_TAGS_API_URL: tags.url, VITE_TAGS_RESOURCE: auth.tagsResource });
    outDirs.push(outDir);
    const bffErrors: unknown[] = [];
    const bff = createBff(
      notesBffOptions({
        issuer: auth.issuer,
        clientId,
        clientSecret,
        baseUrl: app.origin,
        secret: randomBytes(32),
        notesApiUrl: api.url,
        tagsApiUrl: tags.url,
        tagsResource: auth.tagsResource,
        // As pnpm dev:bff: the notes API's resource beside the tags API's the BFF names.
        authorizeParams: { resource: auth.resource },
        onError: (error) => {
          bffErrors.push(error);
          console.error('[e2e] BFF onError:', error);
        },
      }),
    );
    app.serve({ root: outDir, bff });

    const discovery = (await (await fetch(`${auth.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    return {
      auth,
      api,
      tags,
      app,
      appUrl: app.origin,
      issuer: auth.issuer,
      tokenEndpoint: discovery.token_endpoint,
      clientId,
      clientSecret,
      events,
      issued,
      grants: grantsOf(events),
      apiRequests,
      bffErrors,
      stop: () => stopAll(started, outDirs),
    };
  } catch (err) {
    await stopAll(started, outDirs);
    throw err;
  }
}

async function stopAll(started: { stop(): Promise<void> }[], outDirs: string[]): Promise<void> {
  const results = await Promise.allSettled([
    ...started.reverse().map((s) => s.stop()),
    ...outDirs.map((d) => rm(d, { recursive: true, force: true })),
  ]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

// ---------------------------------------------------------------------------------------------
// The browser.

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Prints where each page of the contexts is and what it shows (for a failed test's output). */
export async function dumpPages(label: string, contexts: BrowserContext[]): Promise<void> {
  for (const context of contexts) {
    for (const page of context.pages()) {
      try {
        // Bounded like the closes: a page that stopped answering must not hang the failed test's hook.
        const text = await Promise.race([page.evaluate(() => document.body?.innerText ?? '', undefined), sleep(5_000).then(() => '(no answer in 5 s)')]);
        console.log(`[e2e] ${label}: page at ${page.url()}\n${text.slice(0, 1500)}`);
      } catch (err) {
        console.log(`[e2e] ${label}: page at ${page.url()} (unreadable: ${String(err)})`);
      }
    }
  }
}

/** A console message or uncaught error of one of a context's pages (popups included). */
export interface ConsoleEntry {
  kind: 'console' | 'pageerror';
  type: string;
  text: string;
  url: string;
}

/**
 * Collects the console's errors and warnings and every uncaught page error of all pages of
 * `context`, popups included, from now on: assert the list is empty, or holds only errors you can name.
 */
export function watchConsole(context: BrowserContext): ConsoleEntry[] {
  const entries: ConsoleEntry[] = [];
  const watch = (page: Page): void => {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') entries.push({ kind: 'console', type: m.type(), text: m.text(), url: page.url() });
    });
    page.on('pageerror', (e) => entries.push({ kind: 'pageerror', type: e.name, text: e.message, url: page.url() }));
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
  return entries;
}

/**
 * Closes whatever was opened, in order, ignoring what is already gone. None is waited for longer
 * than `CLOSE_LIMIT_MS`; one that takes longer is reported and left.
 */
export async function closeQuietly(...things: (Browser | BrowserContext | Page | undefined)[]): Promise<void> {
  for (const thing of things) {
    if (!thing || (await closedWithin(thing, CLOSE_LIMIT_MS))) continue;
    console.log(`[e2e] a ${kindOf(thing)} did not close in ${CLOSE_LIMIT_MS / 1000} s; moving on without it`);
  }
}

/**
 * How long one close is waited for. Now and then a Chromium page never answers its close (seen
 * with two tabs of one opener on the server's consent page), and that used to hang the hook
 * until vitest's timeout failed the test that had passed. What is left behind is ended with the
 * browser, or with the test process (Playwright kills its browsers when the process exits).
 */
const CLOSE_LIMIT_MS = 10_000;

async function closedWithin(thing: Browser | BrowserContext | Page, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  // A close that throws means it was closed already.
  const closed = thing.close().then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

function kindOf(thing: Browser | BrowserContext | Page): string {
  if ('browserType' in thing) return 'browser';
  if ('pages' in thing) return 'browser context';
  return `page (at ${thing.url()})`;
}

// ---------------------------------------------------------------------------------------------
// Request recording (browser side).

export interface Recorded {
  url: string;
  method: string;
  postData: string | null;
  resourceType: string;
  isNavigation: boolean;
  at: number;
  /** Set when the request failed (connection refused, aborted…). */
  failure?: string;
  request: Request;
  /** The page (tab) that sent it. */
  page: Page;
}

export interface RequestLog {
  all: Recorded[];
  failed: Recorded[];
  /** POSTs to the token endpoint, optionally of one grant type, optionally since `since`. */
  token(grantType?: string, since?: number): Recorded[];
  discovery(since?: number): Recorded[];
  /** Requests to the authorization server's origin. */
  toIssuer(since?: number): Recorded[];
  /** Navigations (main-frame document requests) since `since`. */
  navigations(since?: number): Recorded[];
  /** What was recorded after `rec`, in event order (timestamps of a redirect chain can tie). */
  after(rec: Recorded): Recorded[];
  /** Starts recording another page (tab) into the same log. */
  add(page: Page): void;
}

export function recordRequests(pages: Page | Page[], stack: Pick<Stack, 'issuer' | 'tokenEndpoint'>): RequestLog {
  const all: Recorded[] = [];
  const failed: Recorded[] = [];
  const byRequest = new Map<Request, Recorded>();
  const issuerOrigin = new URL(stack.issuer).origin;
  const add = (page: Page): void => {
    page.on('request', (request) => {
      const rec: Recorded = {
        url: request.url(),
        method: request.method(),
        postData: request.postData(),
        resourceType: request.resourceType(),
        isNavigation: request.isNavigationRequest() && request.frame() === page.mainFrame(),
        at: Date.now(),
        request,
        page,
      };
      byRequest.set(request, rec);
      all.push(rec);
    });
    page.on('requestfailed', (request) => {
      const rec = byRequest.get(request);
      if (!rec) return;
      rec.failure = request.failure()?.errorText ?? 'failed';
      failed.push(rec);
    });
  };
  for (const page of Array.isArray(pages) ? pages : [pages]) add(page);
  const grantOf = (r: Recorded): string | null => new URLSearchParams(r.postData ?? '').get('grant_type');
  return {
    all,
    failed,
    token: (grantType, since = 0) =>
      all.filter((r) => r.method === 'POST' && r.url.split('?')[0] === stack.tokenEndpoint && r.at >= since && (!grantType || grantOf(r) === grantType)),
    discovery: (since = 0) => all.filter((r) => r.url.includes('/.well-known/openid-configuration') && r.at >= since),
    toIssuer: (since = 0) => all.filter((r) => new URL(r.url).origin === issuerOrigin && r.at >= since),
    navigations: (since = 0) => all.filter((r) => r.isNavigation && r.at >= since),
    after: (rec) => all.slice(all.indexOf(rec) + 1),
    add,
  };
}

// ---------------------------------------------------------------------------------------------
// Driving the authorization server's pages.

export interface SignInOptions {
  username?: string;
  password?: string;
  /** What to press on the consent page, if it is shown. Default `'allow'`. */
  consent?: 'allow' | 'deny';
  /** Called right before the button that sends the browser back to the app is pressed. */
  beforeReturn?: () => void | Promise<void>;
  timeoutMs?: number;
}

/**
 * Signs in on the dev server's pages: waits for the login form, fills it (demo/demo by default),
 * presses "Sign in", then presses "Allow" (or "Deny") on the consent page when it is shown.
 * Resolves once the browser is back on the app's origin.
 */
export async function signIn(page: Page, stack: Pick<Stack, 'issuer' | 'appUrl'>, opts: SignInOptions = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? 15_000;
  const issuerOrigin = new URL(stack.issuer).origin;
  await page.waitForURL((url) => url.origin === issuerOrigin && url.pathname.startsWith('/interaction/'), { timeout });
  await page.locator('input[name="username"]').fill(opts.username ?? DEMO.username, { timeout });
  await page.locator('input[name="password"]').fill(opts.password ?? DEMO.password, { timeout });
  // Consent is asked once per browser session: after "Sign in" comes the consent page or the app.
  const consentShown = async (): Promise<boolean> => {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      const url = new URL(page.url());
      if (url.origin === stack.appUrl) return false;
      if (await page.locator('#allow').isVisible().catch(() => false)) return true;
      await sleep(50);
    }
    throw new Error(`signIn: neither the consent page nor the app after "Sign in" (at ${page.url()})`);
  };
  await page.locator('#sign-in').click({ timeout });
  if (await consentShown()) {
    await opts.beforeReturn?.();
    await page.locator(opts.consent === 'deny' ? '#deny' : '#allow').click({ timeout });
  }
  await page.waitForURL((url) => url.origin === stack.appUrl, { timeout });
}

// ---------------------------------------------------------------------------------------------
// Reading the app's state from the page.

/** The stored session (format v2: no endpoints; bound to issuer + client). */
export interface StoredSessionView {
  v: 2;
  issuer: string;
  clientId: string;
  tokens: { accessToken: string; tokenType: string; refreshToken?: string; expiresAt?: number; idToken?: string; scope?: string };
  receivedAt: number;
  user: { sub: string; [claim: string]: unknown } | null;
  /** The random id of the refresh token (present with it): what the spent-token list remembers. */
  refreshId?: string;
  /** With DPoP: the id of the session's key in IndexedDB (`pkce-auth` / `dpop-keys`). */
  dpopKey?: string;
  /** Tokens of single APIs (`apis[].resource`/`scope`), by `JSON.stringify([resource, scope])`. */
  apiTokens?: Record<string, { tokens: { accessToken: string; tokenType: string; expiresAt?: number; scope?: string }; receivedAt: number }>;
}

export async function storageDump(page: Page): Promise<{ session: Record<string, string>; local: Record<string, string> }> {
  return page.evaluate(() => {
    const dump = (s: Storage): Record<string, string> => {
      const out: Record<string, string> = {};
      for (let i = 0; i < s.length; i++) {
        const key = s.key(i);
        if (key !== null) out[key] = s.getItem(key) ?? '';
      }
      return out;
    };
    return { session: dump(sessionStorage), local: dump(localStorage) };
  });
}

/** The SDK's stored session of `clientId` (from sessionStorage or localStorage), or null. */
export async function storedSession(page: Page, clientId: string = CLIENT_ID): Promise<StoredSessionView | null> {
  const { session, local } = await storageDump(page);
  const key = sessionKey(clientId);
  const raw = session[key] ?? local[key];
  return raw ? (JSON.parse(raw) as StoredSessionView) : null;
}

/** The spent-refresh-token list of `clientId` in the page's localStorage (ids, never tokens). */
export async function spentRefreshIds(page: Page, clientId: string = CLIENT_ID): Promise<string[]> {
  const raw = (await storageDump(page)).local[spentRefreshKey(clientId)];
  return raw ? (JSON.parse(raw) as string[]) : [];
}

/** When a refresh is due for a stored session: `min(60 s, lifetime / 2)` before expiry (the app's default leeway). */
export const dueAtOf = (s: StoredSessionView): number => {
  const lifetime = s.tokens.expiresAt! - s.receivedAt;
  return s.tokens.expiresAt! - Math.min(60_000, lifetime / 2);
};

/** Init script (every document): logs each Web Lock the page asks for (the SDK's refresh lock). */
export function installLockProbe(): void {
  const w = window as unknown as { __lockRequests: { name: string; at: number }[] };
  w.__lockRequests = [];
  const locks = navigator.locks as LockManager | undefined;
  if (!locks) return;
  const original = locks.request.bind(locks) as (...args: unknown[]) => Promise<unknown>;
  (locks as unknown as { request: (...args: unknown[]) => Promise<unknown> }).request = (...args: unknown[]) => {
    w.__lockRequests.push({ name: String(args[0]), at: Date.now() });
    return original(...args);
  };
}

/** Init script (every document): logs each text `auth-status` shows, with the time it appeared. */
export function installStatusProbe(): void {
  const w = window as unknown as { __statusLog: { text: string; at: number }[] };
  w.__statusLog = [];
  new MutationObserver(() => {
    const text = document.querySelector('[data-testid="auth-status"]')?.textContent ?? null;
    const last = w.__statusLog[w.__statusLog.length - 1];
    if (text !== null && last?.text !== text) w.__statusLog.push({ text, at: Date.now() });
  }).observe(document, { childList: true, subtree: true, characterData: true });
}

export const statusLog = (page: Page): Promise<{ text: string; at: number }[]> =>
  page.evaluate(() => (window as unknown as { __statusLog: { text: string; at: number }[] }).__statusLog);

export const lockRequests = (page: Page): Promise<{ name: string; at: number }[]> =>
  page.evaluate(() => (window as unknown as { __lockRequests: { name: string; at: number }[] }).__lockRequests);

export const byTestId = (page: Page, id: string) => page.getByTestId(id);

/** Waits until `fn` returns a truthy value (polling), or throws after `timeoutMs`. */
export async function waitUntil<T>(fn: () => T | Promise<T>, timeoutMs: number, what: string, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/**
 * Uses a refresh token directly at the token endpoint, as an attacker holding it would: as
 * `clientId` (a public client: no authentication; with `clientSecret`, a confidential one
 * authenticating with HTTP Basic, as the BFF does) and without a DPoP proof.
 */
export async function refreshDirect(
  stack: Pick<Stack, 'tokenEndpoint'>,
  refreshToken: string,
  clientId: string = CLIENT_ID,
  clientSecret?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const basic = clientSecret === undefined ? undefined : Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  const res = await fetch(stack.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...(basic ? { authorization: `Basic ${basic}` } : {}) },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, ...(basic ? {} : { client_id: clientId }) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
