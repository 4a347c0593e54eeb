/**
 * What the tests against the real dev server (oidc-provider) share: local servers, a notes API
 * that verifies its JWT access tokens with jose, a browser's cookie jar, and a sign-in through
 * the dev server's login and consent pages.
 */
import { once, type EventEmitter } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLIENTS, DEFAULT_RESOURCE, defaultClients, startDevServer, type DevServer } from '@pkce-auth/dev-server';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { expect } from 'vitest';
import { deriveKeys, keyedHash, open, seal } from '../crypto.js';
import type { SessionStore } from '../store.js';
import type { SessionData } from '../sessions.js';

/** HTTP servers on 127.0.0.1, closed together. */
export function localServers() {
  const servers: Server[] = [];
  return {
    async listen(handler: RequestListener): Promise<string> {
      const server = createServer(handler);
      servers.push(server);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close(): void {
      for (const server of servers) {
        server.closeAllConnections();
        server.close();
      }
    },
  };
}

/** The notes API: 401 without a valid JWT for its audience, else who called with what token. */
export function notesApi(issuer: () => string): RequestListener {
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  return (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    jwks ??= createRemoteJWKSet(new URL(`${issuer()}/jwks`));
    jwtVerify(token, jwks, { issuer: issuer(), audience: DEFAULT_RESOURCE }).then(
      ({ payload }) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, sub: payload.sub, jti: payload.jti, cookie: req.headers.cookie ?? null })),
      () => res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end(),
    );
  };
}

/** The dev server with notes-bff's back-channel logout URI on `origin`, and what it reports: refresh grants, back-channel deliveries. */
export async function devServerFor(origin: string): Promise<{ dev: DevServer; refreshGrants: string[]; backchannel: string[] }> {
  const clients = defaultClients({ appOrigins: [origin] }).map((c) => (c.client_id === CLIENTS.bff.clientId ? { ...c, backchannel_logout_uri: `${origin}/bff/backchannel-logout` } : c));
  const dev = await startDevServer({ port: 0, appOrigins: [origin], clients });
  const refreshGrants: string[] = [];
  const backchannel: string[] = [];
  const events = dev.provider as unknown as EventEmitter;
  events.on('grant.success', (ctx: { oidc: { params?: { grant_type?: unknown } } }) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') refreshGrants.push('refresh');
  });
  events.on('backchannel.error', (_ctx: unknown, error: Error) => backchannel.push(`error: ${error.message}`));
  events.on('backchannel.success', () => backchannel.push('success'));
  return { dev, refreshGrants, backchannel };
}

/** Cookies per origin, as a browser keeps them (enough for these flows). */
export class Jar {
  private readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || eq === pair.length - 1) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** A request with this jar's cookies, no redirect followed, its cookies kept. */
export async function send(jar: Jar, url: string | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('cookie', jar.header());
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(res);
  return res;
}

/** Goes through the dev server's login and consent pages until it redirects back to `origin`. */
export async function atServer(jar: Jar, start: string, origin: string): Promise<URL> {
  let url = new URL(start);
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 15; hop++) {
    const res = await send(jar, url, body ? { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {});
    body = undefined;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location') as string, url);
      if (url.origin === origin) return url;
      continue;
    }
    const html = await res.text();
    const uid = /action="\/interaction\/([^/"]+)\//.exec(html)?.[1];
    if (!uid) throw new Error(`unexpected page at ${url.pathname}: ${res.status}`);
    const login = html.includes('name="username"');
    url = new URL(`/interaction/${uid}/${login ? 'login' : 'confirm'}`, url);
    body = new URLSearchParams(login ? { username: 'demo', password: 'demo' } : {});
  }
  throw new Error('too many redirects');
}

/** Starts a login at the BFF on `origin` and goes through the server's pages: the callback URL to finish it with. */
export async function toCallback(origin: string, app: Jar, server: Jar, headers: HeadersInit = {}): Promise<URL> {
  const login = await send(app, `${origin}/bff/login?returnTo=/notes`, { headers });
  expect(login.status).toBe(302);
  const callback = await atServer(server, login.headers.get('location') as string, origin);
  expect(callback.pathname).toBe('/bff/callback');
  return callback;
}

/** Signs in through the BFF on `origin`; returns the app's and the server's cookie jars. */
export async function signIn(origin: string, server = new Jar(), headers: HeadersInit = {}): Promise<{ app: Jar; server: Jar }> {
  const app = new Jar();
  const done = await send(app, await toCallback(origin, app, server, headers), { headers });
  expect(done.status).toBe(303);
  expect(done.headers.get('location')).toBe(`${origin}/notes`);
  return { app, server };
}

/** Ends the person's session at the dev server (RP-initiated logout, confirmed), which sends the back-channel logouts. */
export async function endSessionAtServer(issuer: string, server: Jar, clientId: string): Promise<void> {
  const page = await send(server, `${issuer}/session/end?client_id=${clientId}`);
  const html = await page.text();
  const action = /action="([^"]+)"/.exec(html)?.[1] as string;
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] as string;
  const confirm = await send(server, new URL(action, issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, logout: 'yes' }),
  });
  expect(confirm.status).toBe(303);
}

/** Opens and rewrites sessions in a store with the BFF's `secret`, as the BFF keeps them. */
export function sessionsIn(store: SessionStore, secret: string) {
  const keys = deriveKeys(secret);
  return {
    /** The session of the newest sign-in of `sub`. */
    async newestOf(sub: string): Promise<string> {
      const members = await store.indexMembers(`sub:${keyedHash(keys.ids, sub)}`);
      expect(members.length).toBeGreaterThan(0);
      return members.at(-1) as string;
    },
    /** The store key of the session whose cookie carries `id`. */
    keyOf: (id: string) => `session:${keyedHash(keys.ids, id)}`,
    async read(key: string): Promise<SessionData | undefined> {
      const sealed = (await store.get(key))?.value;
      return sealed === undefined ? undefined : (JSON.parse(open(keys.session, sealed, key) as string) as SessionData);
    },
    async write(key: string, data: SessionData): Promise<void> {
      await store.set(key, seal(keys.session, JSON.stringify(data), key), 60_000);
    },
  };
}
