import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '@pkce-auth/dev-server';
import { appOriginsOf, readSettings, startServers } from '../../scripts/devStack.mjs';

const OWN_APP = 'http://localhost:5190';

describe('APP_ORIGINS (scripts/devStack.mjs)', () => {
  it('reads comma-separated origins and refuses what is not one', () => {
    expect(appOriginsOf('http://localhost:5190, http://127.0.0.1:5190/')).toEqual(['http://localhost:5190', 'http://127.0.0.1:5190']);
    expect(appOriginsOf(undefined)).toEqual([]);
    expect(() => appOriginsOf('http://localhost:5190/app')).toThrow(/APP_ORIGINS must list origins/);
    expect(() => appOriginsOf('localhost:5190')).toThrow(/APP_ORIGINS must list origins/);
  });
});

describe('VITE_AUTH_PROVIDER (scripts/devStack.mjs)', () => {
  const vite = (env: Record<string, string>) => ({ loadEnv: () => env }) as unknown as Parameters<typeof readSettings>[0];
  it('needs VITE_AUTH_ISSUER too: the dev server must not stand in for a real provider', () => {
    expect(() => readSettings(vite({ VITE_AUTH_PROVIDER: 'cognito' }), '.', 'development')).toThrow(/VITE_AUTH_PROVIDER=cognito also needs VITE_AUTH_ISSUER/);
    const settings = readSettings(vite({ VITE_AUTH_PROVIDER: 'cognito', VITE_AUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc' }), '.', 'development');
    expect(settings.externalIssuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc');
  });
});

describe("the dev stack with a newcomer's app origin", () => {
  const stops: Array<() => Promise<void>> = [];
  let servers: Awaited<ReturnType<typeof startServers>>;
  const issuerBefore = process.env.VITE_AUTH_ISSUER;

  beforeAll(async () => {
    const origins = ['http://localhost:5173', 'http://127.0.0.1:5173', ...appOriginsOf(OWN_APP)];
    servers = await startServers(
      {
        env: {},
        appPort: 5173,
        apiPort: 0,
        authPort: 0,
        appOrigins: origins,
        publicClientIds: ['my-app'],
        externalIssuer: undefined,
        audience: 'http://localhost:4001',
        tagsPort: 0,
        tagsResource: 'http://localhost:4002',
        tagsAudience: 'http://localhost:4002',
        tagsApiUrl: 'http://127.0.0.1:4002',
      },
      stops,
    );
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    if (issuerBefore === undefined) delete process.env.VITE_AUTH_ISSUER;
    else process.env.VITE_AUTH_ISSUER = issuerBefore;
  });

  it('registers its redirect URI for notes-spa and for its own client id', async () => {
    const issuer = servers.issuer;
    await expect(signIn({ issuer, redirectUri: `${OWN_APP}/callback` })).resolves.toHaveProperty('access_token');
    await expect(signIn({ issuer, clientId: 'my-app', redirectUri: `${OWN_APP}/callback` })).resolves.toHaveProperty('access_token');
    await expect(signIn({ issuer })).resolves.toHaveProperty('access_token');
  });

  it('allows its origin at the notes API and the tags API (CORS), and not another one', async () => {
    for (const url of [`${servers.api.url}/notes`, `${servers.tags?.url}/tags`]) {
      const preflight = (origin: string) =>
        fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      expect((await preflight(OWN_APP)).headers.get('access-control-allow-origin')).toBe(OWN_APP);
      expect((await preflight('http://localhost:5191')).headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
