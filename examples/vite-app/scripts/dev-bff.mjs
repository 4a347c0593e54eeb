// `pnpm dev:bff`: the Notes app in BFF mode. The app is built with VITE_AUTH_MODE=bff and served
// by a small Node server on its origin, http://localhost:5173 (server/bffServer.mjs), which mounts
// @pkce-auth/bff in front of it: the login runs there as the confidential client `notes-bff`, the
// tokens stay there, and the app calls /api/notes… and /api/tags on its own origin, which the BFF
// forwards to the notes API (:4001) and the tags API (:4002) with the access token attached. The
// authorization server (:4000) and the two APIs start as with `pnpm dev` (devStack.mjs); Ctrl-C
// stops them all. The app is built once at start: restart after a change.
//
// Environment (all optional): those of `pnpm dev` (dev.mjs) for the authorization server and the
// APIs, and
//   APP_PORT           the app's port (default 5173); http://localhost:<APP_PORT> is the BFF's baseUrl
//   BFF_SECRET         at least 32 bytes, the key of the BFF's sessions and cookies (default: random at
//                      each start, so a restart signs everyone out)
//   BFF_CLIENT_ID      the BFF's confidential client (default notes-bff, which the dev server registers)
//   BFF_CLIENT_SECRET  its secret (default the dev server's, notes-bff-secret)
//   BFF_SCOPE          the login's scope (default openid profile email offline_access notes:read
//                      notes:write, and tags:read with the tags API)
//   VITE_TAGS_API_URL  empty: no tags API, no /api/tags; else the tags API starts on TAGS_API_PORT and
//                      the BFF calls it there with a token for VITE_TAGS_RESOURCE
//   VITE_AUTH_AUDIENCE, VITE_AUTH_AUDIENCE_PARAM  the login's audience parameter, as in browser
//                      mode (with the dev server: resource=<the notes API's audience>)
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBff } from '@pkce-auth/bff';
import { notesBffOptions, startBffAppServer, withBackchannelLogoutAt } from '../server/bffServer.mjs';
import { printSummary, readSettings, startServers, stopOnSignals } from './devStack.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

async function main() {
  const vite = await import('vite');
  const { CLIENTS } = await import('@pkce-auth/dev-server');
  // The variables the build sees: process.env plus .env, .env.local, .env.production(.local).
  const settings = readSettings(vite, root, 'production');
  const { env } = settings;
  const { stops, shutdown } = stopOnSignals();

  try {
    const clientId = env.BFF_CLIENT_ID?.trim() || CLIENTS.bff.clientId;
    const clientSecret = env.BFF_CLIENT_SECRET || CLIENTS.bff.clientSecret;
    if (settings.externalIssuer && !env.BFF_CLIENT_SECRET) {
      throw new Error('with VITE_AUTH_ISSUER (a real provider), set BFF_CLIENT_ID and BFF_CLIENT_SECRET to the BFF\'s confidential client');
    }
    // First the app's origin: the authorization server registers it, the BFF lives on it.
    const app = await startBffAppServer({ port: settings.appPort, host: 'localhost' });
    stops.push(() => app.stop());
    const servers = await startServers(settings, stops, {
      clients: (defaultClients) => withBackchannelLogoutAt(defaultClients({ appOrigins: settings.appOrigins, publicClientIds: settings.publicClientIds }), clientId, app.origin),
    });

    const outDir = await mkdtemp(join(tmpdir(), 'notes-bff-app-'));
    stops.push(() => rm(outDir, { recursive: true, force: true }));
    await buildBffApp(vite, outDir, servers.issuer);

    const bff = createBff(
      notesBffOptions({
        issuer: servers.issuer,
        clientId,
        clientSecret,
        baseUrl: app.origin,
        secret: env.BFF_SECRET || randomBytes(32),
        notesApiUrl: servers.api.url,
        tagsApiUrl: servers.tags?.url ?? null,
        tagsResource: settings.tagsResource,
        ...(env.BFF_SCOPE?.trim() ? { scope: env.BFF_SCOPE.trim() } : {}),
        // The notes API's resource next to the tags API's (which the BFF names itself), so the
        // session's own token is for the notes API, as in browser mode.
        ...(settings.externalIssuer ? audienceParams(env) : settings.audience ? { authorizeParams: { resource: settings.audience } } : {}),
      }),
    );
    app.serve({ root: outDir, bff });

    printSummary(settings, servers, [
      ['Notes app (BFF mode)', `${app.origin}/`],
      ['BFF', `${app.origin}/bff/…  (client ${clientId}; the tokens stay here)`],
      ['Proxied', `/api/notes → ${servers.api.url}/notes${servers.tags ? `, /api/tags → ${servers.tags.url}/tags` : ''}`],
    ]);
  } catch (err) {
    console.error(`dev:bff: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown(1);
  }
}

/**
 * Builds the app in BFF mode into `outDir` (Vite inlines VITE_* at build time: process.env wins
 * over the .env files).
 * @param {typeof import('vite')} vite
 * @param {string} outDir
 * @param {string} issuer shown on the home page
 */
async function buildBffApp(vite, outDir, issuer) {
  process.env.VITE_AUTH_MODE = 'bff';
  process.env.VITE_AUTH_ISSUER = issuer;
  console.log('Building the app in BFF mode (VITE_AUTH_MODE=bff)…');
  await vite.build({ root, mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/**
 * A real provider's audience parameter, as the app sends it in browser mode (src/config.ts).
 * @param {Record<string, string>} env
 * @returns {{ authorizeParams?: Record<string, string> }}
 */
function audienceParams(env) {
  const audience = env.VITE_AUTH_AUDIENCE === undefined ? 'http://localhost:4001' : env.VITE_AUTH_AUDIENCE.trim();
  const param = env.VITE_AUTH_AUDIENCE_PARAM?.trim() || 'resource';
  if (!['resource', 'audience', 'none'].includes(param)) throw new Error(`VITE_AUTH_AUDIENCE_PARAM must be one of resource, audience, none; got "${param}"`);
  return audience && param !== 'none' ? { authorizeParams: { [param]: audience } } : {};
}

await main();
