// `pnpm dev`: the authorization server (@pkce-auth/dev-server) on :4000, the notes API on :4001,
// the tags API on :4002 and this app (Vite) on :5173, together; Ctrl-C stops them all.
//
// With VITE_AUTH_ISSUER set (environment or .env / .env.local) a real provider is used instead:
// the dev server is not started and the APIs check that provider's tokens.
//
// Environment (all optional):
//   VITE_AUTH_ISSUER        a real provider's issuer (skips the dev server)
//   VITE_AUTH_AUDIENCE      the notes API's audience, as the app requests it (default http://localhost:4001)
//   AUTH_PORT               dev server port (default 4000)
//   NOTES_API_PORT          notes API port (default 4001)
//   VITE_NOTES_API_URL      where the app calls the notes API; also the API's public origin for DPoP `htu`,
//                           so an origin only (the API serves /notes at its root; a path is refused)
//   APP_PORT                Vite port (default 5173)
//   NOTES_API_ISSUER        issuer the API trusts (default VITE_AUTH_ISSUER, else the dev server)
//   NOTES_API_AUDIENCE      `aud` the API requires (default VITE_AUTH_AUDIENCE or http://localhost:4001; empty = no check)
//   NOTES_API_READ_SCOPE / NOTES_API_WRITE_SCOPE   scope names (default notes:read / notes:write)
//   NOTES_API_EXPORT_SCOPE  scope of GET /notes/export (default notes:export)
//   NOTES_API_EXPORT_CLIENTS  client ids allowed to export, comma- or space-separated (default notes-machine)
//   NOTES_API_TOKEN_TYP     required JWT typ (default at+jwt with the dev server, none for a real provider; empty = no check),
//                           for both APIs
//   VITE_TAGS_RESOURCE      the tags API's resource indicator, as the app requests it (default http://localhost:4002);
//                           also the dev server's tagsResource
//   TAGS_API_PORT           tags API port (default 4002; set VITE_TAGS_API_URL to match)
//   VITE_TAGS_API_URL       where the app calls the tags API, an origin (default http://127.0.0.1:4002): the API's
//                           public origin for DPoP `htu`; set it empty to start no tags API
//   TAGS_API_AUDIENCE       `aud` the tags API requires (default VITE_TAGS_RESOURCE; empty = no check)
import { fileURLToPath } from 'node:url';
import { createNotesApi } from '../server/notesApi.mjs';
import { exactOrigin } from '../server/resourceServer.mjs';
import { createTagsApi } from '../server/tagsApi.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** @param {string | undefined} value @param {number} fallback */
function port(value, fallback) {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port "${value}"`);
  return n;
}

async function main() {
  const vite = await import('vite');
  // Same variables Vite will see: process.env plus .env, .env.local, .env.development(.local).
  const env = { ...vite.loadEnv('development', root, ['VITE_', 'NOTES_API_', 'TAGS_API_']), ...pickDefined(process.env) };
  const appPort = port(env.APP_PORT, 5173);
  const apiPort = port(env.NOTES_API_PORT, 4001);
  const authPort = port(env.AUTH_PORT, 4000);
  const appOrigins = [`http://localhost:${appPort}`, `http://127.0.0.1:${appPort}`];
  const externalIssuer = env.VITE_AUTH_ISSUER?.trim() || undefined;
  const audience = env.NOTES_API_AUDIENCE ?? env.VITE_AUTH_AUDIENCE ?? 'http://localhost:4001';
  const tagsPort = port(env.TAGS_API_PORT, 4002);
  const tagsResource = env.VITE_TAGS_RESOURCE?.trim() || 'http://localhost:4002';
  const tagsAudience = env.TAGS_API_AUDIENCE ?? tagsResource;
  // Like the app (src/config.ts): unset means the local tags API, empty means none.
  const tagsApiUrl = env.VITE_TAGS_API_URL === undefined ? 'http://127.0.0.1:4002' : env.VITE_TAGS_API_URL.trim();

  /** @type {Array<() => Promise<void>>} */
  const stops = [];
  let stopping = false;
  const shutdown = async (/** @type {number} */ code) => {
    if (stopping) return;
    stopping = true;
    for (const stop of stops.reverse()) {
      await stop().catch((err) => console.error(err));
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    /** @type {string} */
    let issuer;
    /** @type {import('@pkce-auth/dev-server').DevServer | undefined} */
    let devServer;
    if (externalIssuer) {
      issuer = externalIssuer;
      console.log(`Using the authorization server ${issuer} (VITE_AUTH_ISSUER); the dev server is not started.`);
    } else {
      const { startDevServer } = await import('@pkce-auth/dev-server');
      const started = await startDevServer({
        port: authPort,
        appOrigins,
        ...(audience ? { resource: audience } : {}),
        tagsResource,
      });
      devServer = started;
      stops.push(() => started.stop());
      issuer = started.issuer;
      // The app must discover the same issuer the dev server announces.
      process.env.VITE_AUTH_ISSUER = issuer;
    }

    const typ = env.NOTES_API_TOKEN_TYP ?? (externalIssuer ? '' : 'at+jwt');
    const apiIssuer = env.NOTES_API_ISSUER || issuer;
    const allowedOrigins = [...appOrigins, ...(env.NOTES_API_ALLOWED_ORIGINS?.split(/[\s,]+/).filter(Boolean) ?? [])];
    const api = await createNotesApi({
      issuer: apiIssuer,
      audience: audience || null,
      port: apiPort,
      allowedOrigins,
      ...(env.NOTES_API_READ_SCOPE ? { readScope: env.NOTES_API_READ_SCOPE } : {}),
      ...(env.NOTES_API_WRITE_SCOPE ? { writeScope: env.NOTES_API_WRITE_SCOPE } : {}),
      ...(env.NOTES_API_EXPORT_SCOPE ? { exportScope: env.NOTES_API_EXPORT_SCOPE } : {}),
      ...(env.NOTES_API_EXPORT_CLIENTS ? { exportClients: env.NOTES_API_EXPORT_CLIENTS.split(/[\s,]+/).filter(Boolean) } : {}),
      tokenType: typ || null,
      // DPoP proofs name the URL the app calls (`htu`): the API's public origin, as the app sees it.
      ...(env.VITE_NOTES_API_URL ? { publicOrigin: publicOriginOf(env.VITE_NOTES_API_URL, 'VITE_NOTES_API_URL', 'notes') } : {}),
      log: (message) => console.error(message),
    });
    stops.push(() => api.stop());

    // The second API: the app gets its token with a refresh grant naming VITE_TAGS_RESOURCE.
    const tags = tagsApiUrl
      ? await createTagsApi({
          issuer: apiIssuer,
          audience: tagsAudience || null,
          port: tagsPort,
          allowedOrigins,
          tokenType: typ || null,
          publicOrigin: publicOriginOf(tagsApiUrl, 'VITE_TAGS_API_URL', 'tags'),
          log: (message) => console.error(message),
        })
      : undefined;
    if (tags) stops.push(() => tags.stop());

    const server = await vite.createServer({
      root,
      server: { port: appPort, strictPort: true, host: 'localhost' },
    });
    stops.push(() => server.close());
    await server.listen();

    console.log('');
    console.log(`  Notes app:            http://localhost:${appPort}/`);
    console.log(`  Notes API:            ${api.url}  (audience ${audience || '(not checked)'})`);
    console.log(`  Tags API:             ${tags ? `${tags.url}  (audience ${tagsAudience || '(not checked)'})` : 'not started (VITE_TAGS_API_URL is empty)'}`);
    if (devServer) {
      console.log(`  Authorization server: ${devServer.issuer}  (development only)`);
      console.log(`  Sign in as:           demo / demo   (or alice / alice)`);
    } else {
      console.log(`  Authorization server: ${issuer}`);
    }
    console.log('  Press Ctrl-C to stop.');
    console.log('');
  } catch (err) {
    console.error(`dev: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown(1);
  }
}

/**
 * VITE_NOTES_API_URL / VITE_TAGS_API_URL as that API's `publicOrigin`. The APIs serve their routes at
 * the root, so a URL with a path would make every DPoP proof's `htu` wrong: refused here, naming the variable.
 * @param {string} value
 * @param {string} variable
 * @param {string} api
 */
function publicOriginOf(value, variable, api) {
  const origin = exactOrigin(value);
  if (!origin) {
    throw new Error(`${variable} must be the ${api} API's origin (scheme://host[:port], no path, query or fragment), as it is the API's publicOrigin for DPoP htu; got ${JSON.stringify(value)}`);
  }
  return origin;
}

/** @param {NodeJS.ProcessEnv} env @returns {Record<string, string>} */
function pickDefined(env) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

await main();
