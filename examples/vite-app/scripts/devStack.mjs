// What `pnpm dev` (dev.mjs: the app on Vite's dev server) and `pnpm dev:bff` (dev-bff.mjs: the app
// built in BFF mode behind its BFF) share: their variables, the authorization server
// (@pkce-auth/dev-server, unless VITE_AUTH_ISSUER names a real provider), the notes API, the tags
// API, the summary they print, and stopping everything on Ctrl-C. The variables are listed in
// dev.mjs and dev-bff.mjs.
import { createNotesApi } from '../server/notesApi.mjs';
import { exactOrigin } from '../server/resourceServer.mjs';
import { createTagsApi } from '../server/tagsApi.mjs';

/** @param {string | undefined} value @param {number} fallback */
export function port(value, fallback) {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port "${value}"`);
  return n;
}

/**
 * The settings both scripts read: process.env over .env, .env.local, .env.<mode>(.local), as Vite
 * sees them.
 * @param {typeof import('vite')} vite
 * @param {string} root the app's directory (where the .env files live)
 * @param {string} mode Vite's mode: `development` for `pnpm dev`, `production` for the BFF mode's build
 */
export function readSettings(vite, root, mode) {
  const env = { ...vite.loadEnv(mode, root, ['VITE_', 'NOTES_API_', 'TAGS_API_', 'BFF_', 'APP_ORIGINS', 'APP_CLIENT_IDS']), ...pickDefined(process.env) };
  // A preset's server is a real provider: the notes API must trust its issuer, and the dev
  // server must not stand in for it (it would hand the app its own issuer).
  if (env.VITE_AUTH_PROVIDER?.trim() && !env.VITE_AUTH_ISSUER?.trim()) {
    throw new Error(`VITE_AUTH_PROVIDER=${env.VITE_AUTH_PROVIDER.trim()} also needs VITE_AUTH_ISSUER: the provider's issuer, which the notes API trusts (see examples/vite-app/README.md)`);
  }
  const appPort = port(env.APP_PORT, 5173);
  const ownOrigins = [`http://localhost:${appPort}`, `http://127.0.0.1:${appPort}`];
  const tagsResource = env.VITE_TAGS_RESOURCE?.trim() || 'http://localhost:4002';
  return {
    env,
    appPort,
    apiPort: port(env.NOTES_API_PORT, 4001),
    authPort: port(env.AUTH_PORT, 4000),
    // This app's origins, then those of the person's own apps (APP_ORIGINS): each gets its
    // redirect URIs at the dev server and is allowed by the APIs' CORS.
    appOrigins: [...new Set([...ownOrigins, ...appOriginsOf(env.APP_ORIGINS)])],
    // More public clients at the dev server (APP_CLIENT_IDS), each with the app origins' redirect URIs.
    publicClientIds: listOf(env.APP_CLIENT_IDS),
    externalIssuer: env.VITE_AUTH_ISSUER?.trim() || undefined,
    audience: env.NOTES_API_AUDIENCE ?? env.VITE_AUTH_AUDIENCE ?? 'http://localhost:4001',
    tagsPort: port(env.TAGS_API_PORT, 4002),
    tagsResource,
    tagsAudience: env.TAGS_API_AUDIENCE ?? tagsResource,
    // Like the app (src/config.ts): unset means the local tags API, empty means none.
    tagsApiUrl: env.VITE_TAGS_API_URL === undefined ? 'http://127.0.0.1:4002' : env.VITE_TAGS_API_URL.trim(),
  };
}

/** @typedef {ReturnType<typeof readSettings>} DevSettings */

/**
 * APP_ORIGINS: comma- or space-separated origins of one's own apps, each an http(s) origin (a
 * trailing slash is dropped); anything else is refused, naming the variable.
 * @param {string | undefined} value
 * @returns {string[]}
 */
export function appOriginsOf(value) {
  return listOf(value).map((entry) => {
    const url = URL.parse(entry);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || (url.pathname !== '/' || url.search || url.hash)) {
      throw new Error(`APP_ORIGINS must list origins such as http://localhost:5190 (scheme://host[:port], comma-separated); got ${JSON.stringify(entry)}`);
    }
    return url.origin;
  });
}

/** @param {string | undefined} value a comma- or space-separated list @returns {string[]} */
function listOf(value) {
  return value?.split(/[\s,]+/).filter(Boolean) ?? [];
}

/**
 * What to stop, in reverse order, on Ctrl-C or a failed start; `shutdown(code)` stops them and exits.
 */
export function stopOnSignals() {
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
  return { stops, shutdown };
}

/**
 * Starts the authorization server (unless `settings.externalIssuer`), the notes API and the tags
 * API (unless `settings.tagsApiUrl` is empty), each pushed onto `stops`.
 * @param {DevSettings} settings
 * @param {Array<() => Promise<void>>} stops
 * @param {{ clients?: (defaultClients: typeof import('@pkce-auth/dev-server').defaultClients) => import('@pkce-auth/dev-server').DevServerOptions['clients'] }} [options]
 *   `clients`: the dev server's clients, made from its `defaultClients` (for the BFF's back-channel logout URI)
 */
export async function startServers(settings, stops, options = {}) {
  const { env, externalIssuer, audience, appOrigins, tagsResource, tagsAudience, tagsApiUrl } = settings;
  /** @type {string} */
  let issuer;
  /** @type {import('@pkce-auth/dev-server').DevServer | undefined} */
  let devServer;
  if (externalIssuer) {
    issuer = externalIssuer;
    console.log(`Using the authorization server ${issuer} (VITE_AUTH_ISSUER); the dev server is not started.`);
  } else {
    const { defaultClients, startDevServer } = await import('@pkce-auth/dev-server');
    const clients = options.clients?.(defaultClients);
    const started = await startDevServer({
      port: settings.authPort,
      appOrigins,
      ...(audience ? { resource: audience } : {}),
      tagsResource,
      // With its own clients (dev-bff.mjs), the caller registers settings.publicClientIds there.
      ...(clients ? { clients } : { publicClientIds: settings.publicClientIds }),
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
    port: settings.apiPort,
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
        port: settings.tagsPort,
        allowedOrigins,
        tokenType: typ || null,
        publicOrigin: publicOriginOf(tagsApiUrl, 'VITE_TAGS_API_URL', 'tags'),
        log: (message) => console.error(message),
      })
    : undefined;
  if (tags) stops.push(() => tags.stop());
  return { issuer, devServer, api, tags };
}

/**
 * Prints where everything runs, the app first.
 * @param {DevSettings} settings
 * @param {Awaited<ReturnType<typeof startServers>>} servers
 * @param {Array<[string, string]>} app the app's lines: label and value
 */
export function printSummary(settings, { issuer, devServer, api, tags }, app) {
  const { audience, tagsAudience } = settings;
  const row = (/** @type {string} */ label, /** @type {string} */ value) => console.log(`  ${(label ? `${label}:` : '').padEnd(22)}${value}`);
  console.log('');
  for (const [label, value] of app) row(label, value);
  row('Notes API', `${api.url}  (audience ${audience || '(not checked)'})`);
  row('Tags API', tags ? `${tags.url}  (audience ${tagsAudience || '(not checked)'})` : 'not started (VITE_TAGS_API_URL is empty)');
  if (devServer) {
    row('Authorization server', `${devServer.issuer}  (development only)`);
    row('Sign in as', 'demo / demo   (or alice / alice)');
    for (const client of devServer.clients.filter((c) => c.token_endpoint_auth_method === 'none' && !c.require_pushed_authorization_requests)) {
      row(`Client ${client.client_id}`, `redirect URIs ${(client.redirect_uris ?? []).join(', ')}`);
    }
    row('Your own app', 'APP_ORIGINS=http://localhost:5190 pnpm dev (comma-separated) registers <origin>/callback');
    row('', 'and <origin>/ at the dev server and allows <origin> at the APIs; APP_CLIENT_IDS=<id> adds a public client');
  } else {
    row('Authorization server', issuer);
  }
  console.log('  Press Ctrl-C to stop.');
  console.log('');
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
