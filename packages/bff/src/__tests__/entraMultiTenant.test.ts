/**
 * `entra({ tenant: 'common' })` at the BFF, against the dev server's Entra profile: discovery at
 * `/common/v2.0` names the template issuer `…/{tenantid}/v2.0`, and the tokens carry the tenant's
 * own issuer and `tid`. The BFF signs in, proxies with the token and refreshes; without the
 * template it cannot (the discovered issuer is not the configured one).
 */
import { CLIENTS, defaultClients, ENTRA_TENANT_ID, startDevServer, type DevServer } from '@pkce-auth/dev-server';
import { entra } from '@pkce-auth/core';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBff, memoryStore, type BffOptions } from '../index.js';
import type { SessionData } from '../sessions.js';
import { Jar, localServers, send, sessionsIn, signIn, toCallback } from './devServerFixtures.js';

const SECRET = 'the-entra-multi-tenant-secret-of-32-bytes-or-more';

let dev: DevServer;
let origin: string;
let apiUrl: string;
const mounted: { bff?: ReturnType<typeof createBff> } = {};
const servers = localServers();
const store = memoryStore();
/** The `iss` and `tid` of each token the API accepted. */
const apiSaw: { iss: unknown; tid: unknown }[] = [];

beforeAll(async () => {
  origin = await servers.listen((req, res) => void mounted.bff?.node(req, res, () => res.writeHead(404).end()));
  apiUrl = await servers.listen((req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    jwtVerify(token, createRemoteJWKSet(new URL(`${dev.issuer}/discovery/v2.0/keys`)), { issuer: dev.issuer }).then(
      ({ payload }) => {
        apiSaw.push({ iss: payload.iss, tid: payload.tid });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      },
      () => res.writeHead(401).end(),
    );
  });
  dev = await startDevServer({ port: 0, profile: 'entra', appOrigins: [origin], clients: defaultClients({ appOrigins: [origin] }) });
});

afterAll(async () => {
  await dev?.stop();
  servers.close();
});

/** The BFF as `entra({ tenant: 'common' })` configures it, on the dev server's loopback stand-in for login.microsoftonline.com. */
function entraCommonBff({ template = true } = {}): ReturnType<typeof createBff> {
  const server = new URL(dev.issuer).origin;
  const { issuerTemplate: _real, ...preset } = entra({ tenant: 'common' });
  const options: BffOptions = {
    ...preset,
    issuer: `${server}/common/v2.0`,
    ...CLIENTS.bff,
    baseUrl: origin,
    scope: 'openid profile offline_access notes:read',
    secret: SECRET,
    store,
    apis: [{ path: '/api/notes', target: `${apiUrl}/notes` }],
    onError: () => undefined,
  };
  return createBff(template ? { ...options, issuerTemplate: `${server}/{tenantid}/v2.0` } : options);
}

const appCall = (jar: Jar, path: string) => send(jar, `${origin}${path}`, { headers: { 'x-csrf': '1' } });

describe("entra({ tenant: 'common' }) at the BFF", () => {
  it('refuses, before any redirect, to sign in without the template: the discovered issuer is not the configured one', async () => {
    mounted.bff = entraCommonBff({ template: false });
    const login = await send(new Jar(), `${origin}/bff/login`);
    expect(login.status).toBeGreaterThanOrEqual(500);
    expect(await login.text()).toMatch(/issuer/);
  });

  it("signs in (the ID token's iss is its tenant's), proxies with the tenant's token, and refreshes at the common endpoint", async () => {
    mounted.bff = entraCommonBff();
    const { app } = await signIn(origin);
    const user = await appCall(app, '/bff/user');
    expect(user.status).toBe(200);
    expect(await user.json()).toMatchObject({ user: { sub: 'demo-user', tid: ENTRA_TENANT_ID } });

    expect((await appCall(app, '/api/notes')).status).toBe(200);
    expect(apiSaw.at(-1)).toEqual({ iss: dev.issuer, tid: ENTRA_TENANT_ID });

    // Make the held token due: the next call refreshes (the refresh's ID token is checked the same way).
    const sessions = sessionsIn(store, SECRET);
    const key = await sessions.newestOf('demo-user');
    const data = (await sessions.read(key)) as SessionData;
    await sessions.write(key, { ...data, token: { ...data.token, expiresAt: Date.now() - 1000, obtainedAt: Date.now() - 60_000 } });
    expect((await appCall(app, '/api/notes')).status).toBe(200);
    expect(((await sessions.read(key)) as SessionData).token.accessToken).not.toBe(data.token.accessToken);
    expect(apiSaw).toHaveLength(2);
  });

  it('a callback for the template is still checked: a tampered state spends no code', async () => {
    mounted.bff = entraCommonBff();
    const app = new Jar();
    const callback = await toCallback(origin, app, new Jar());
    callback.searchParams.set('state', 'tampered');
    const done = await send(app, callback);
    expect(done.status).toBe(400);
  });
});
