import { describe, expect, it } from 'vitest';
import { banner, parseCli, toOptions, usage } from '../cliOptions.js';
import { startDevServer } from '../index.js';

describe('the CLI', () => {
  it('takes --app-origin and --client (repeatable) after APP_ORIGINS and APP_CLIENT_IDS', () => {
    const values = parseCli(['--app-origin', 'http://localhost:5190', '--app-origin', 'http://localhost:5191', '--client', 'my-app']);
    const options = toOptions(values, { APP_ORIGINS: 'http://localhost:6000, http://localhost:6001', APP_CLIENT_IDS: 'other-app' });
    expect(options.appOrigins).toEqual(['http://localhost:6000', 'http://localhost:6001', 'http://localhost:5190', 'http://localhost:5191']);
    expect(options.publicClientIds).toEqual(['other-app', 'my-app']);
  });

  it('registers nothing more without them', () => {
    const options = toOptions(parseCli([]), {});
    expect(options.appOrigins).toBeUndefined();
    expect(options.publicClientIds).toBeUndefined();
  });

  it('documents --app-origin, --client and their variables in --help', () => {
    expect(usage).toMatch(/--app-origin <origin>[\s\S]*APP_ORIGINS=[\s\S]*--client <id>[\s\S]*APP_CLIENT_IDS=/);
  });

  it("prints the registered clients with their redirect URIs, and how to add an app, in its banner", async () => {
    const server = await startDevServer(toOptions(parseCli(['--port', '0', '--client', 'my-app', '--app-origin', 'http://localhost:5190']), {}));
    try {
      const text = banner(server, false);
      expect(text).toContain('    my-app (public, PKCE)\n      redirect URIs: http://localhost:5173/callback, http://127.0.0.1:5173/callback, http://localhost:5190/callback\n');
      expect(text).toContain('      post-logout:   http://localhost:5173/, http://127.0.0.1:5173/, http://localhost:5190/\n');
      expect(text).toMatch(/Your own app: start with --app-origin <origin>.*APP_ORIGINS=/);
      expect(text).toContain('--client <id>');
    } finally {
      await server.stop();
    }
  });

  it('takes --profile and --endpoints-port, and refuses an unknown profile naming the known ones', () => {
    expect(toOptions(parseCli(['--profile', 'cognito', '--endpoints-port', '4100']), {})).toMatchObject({ profile: 'cognito', endpointsPort: 4100 });
    expect(() => toOptions(parseCli(['--profile', 'ping']), {})).toThrow('unknown profile "ping"; the profiles are cognito, auth0, keycloak, entra, okta');
  });

  it('names the profile and the endpoints origin in its banner', async () => {
    const server = await startDevServer(toOptions(parseCli(['--port', '0', '--profile', 'cognito']), {}));
    try {
      expect(banner(server, false)).toContain(`issuer:     ${server.issuer}   (profile cognito; endpoints on ${server.endpointsOrigin})`);
    } finally {
      await server.stop();
    }
  });
});
