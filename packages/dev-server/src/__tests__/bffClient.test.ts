import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENTS, DEFAULT_RESOURCE, defaultClients, signIn, startDevServer } from '../index.js';
import type { DevServer } from '../index.js';
import { authorize } from '../signIn.js';
import { verifyJwt } from './flow.js';

const bff = { clientId: CLIENTS.bff.clientId, clientSecret: CLIENTS.bff.clientSecret };

let server: DevServer;
let receiver: Server;
let receiverOrigin: string;
/** The logout tokens the dev server posted to the BFF's back-channel logout URI. */
const logoutTokens: string[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
      res.writeHead(200).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverOrigin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const clients = defaultClients({ appOrigins: [receiverOrigin] }).map((c) =>
    c.client_id === bff.clientId ? { ...c, backchannel_logout_uri: `${receiverOrigin}/bff/backchannel-logout` } : c,
  );
  server = await startDevServer({ port: 0, appOrigins: [receiverOrigin], clients });
});

afterAll(async () => {
  await server.stop();
  receiver.closeAllConnections();
  receiver.close();
});

describe('the notes-bff client', () => {
  it('is registered by default: confidential, /bff/callback on each app origin, back-channel logout with sid', () => {
    const client = defaultClients().find((c) => c.client_id === 'notes-bff');
    expect(client).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['http://localhost:5173/bff/callback', 'http://127.0.0.1:5173/bff/callback'],
      backchannel_logout_uri: 'http://localhost:5173/bff/backchannel-logout',
      backchannel_logout_session_required: true,
    });
  });

  it('signs in with its secret and gets an ID token with sid and a JWT for the notes API', async () => {
    const tokens = await signIn({ issuer: server.issuer, ...bff, redirectUri: `${receiverOrigin}/bff/callback`, scope: 'openid profile offline_access notes:read' });
    expect(decodeJwt(tokens.id_token as string)).toMatchObject({ aud: 'notes-bff', sid: expect.any(String) });
    const { payload } = await verifyJwt(server.issuer, tokens.access_token);
    expect(payload).toMatchObject({ aud: DEFAULT_RESOURCE, client_id: 'notes-bff' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('cannot redeem a code without its secret', async () => {
    await expect(signIn({ issuer: server.issuer, clientId: bff.clientId, redirectUri: `${receiverOrigin}/bff/callback`, scope: 'openid' })).rejects.toThrow(/invalid_client/);
  });

  it('is told of a logout at the server with a logout token (OIDC Back-Channel Logout 1.0)', async () => {
    const meta = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({ backchannel_logout_supported: true, backchannel_logout_session_supported: true });
    const { jar } = await authorize({ issuer: server.issuer, ...bff, redirectUri: `${receiverOrigin}/bff/callback`, scope: 'openid' });
    const page = await fetch(`${server.issuer}/session/end?client_id=notes-bff`, { headers: { cookie: jar.header() } });
    jar.store(page);
    const html = await page.text();
    const action = /action="([^"]+)"/.exec(html)?.[1] as string;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const confirm = await fetch(new URL(action, server.issuer), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    expect(confirm.status).toBe(303);
    expect(logoutTokens).toHaveLength(1);
    const token = logoutTokens[0] as string;
    expect(decodeProtectedHeader(token).typ).toBe('logout+jwt');
    expect(decodeJwt(token)).toMatchObject({
      iss: server.issuer,
      aud: 'notes-bff',
      sub: 'demo-user',
      sid: expect.any(String),
      jti: expect.any(String),
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    });
    expect(decodeJwt(token)).not.toHaveProperty('nonce');
  });
});
