// The Notes app's own server in BFF mode (`pnpm dev:bff`): one origin that mounts @pkce-auth/bff
// (/bff/login, /bff/callback, /bff/user, /bff/logout, /bff/backchannel-logout and the API proxy)
// in front of the app built with VITE_AUTH_MODE=bff (appFiles.mjs: its files, index.html for the
// client-side routes). The app calls its APIs on its own origin (`<origin>/api`, src/config.ts):
// the BFF forwards /api/notes… to the notes API's /notes… and /api/tags to the tags API's /tags,
// with the access token it holds. Tokens stay here; the browser has an HttpOnly session cookie.
// Plain ESM + JSDoc so `node` runs it without a build step; types in bffServer.d.mts.
import { createServer } from 'node:http';
import { appFiles } from './appFiles.mjs';

/** @typedef {import('./bffServer.d.mts').NotesBffSettings} NotesBffSettings */
/** @typedef {import('./bffServer.d.mts').BffAppServer} BffAppServer */
/** @typedef {import('@pkce-auth/bff').BffOptions} BffOptions */

/** The paths the app calls in BFF mode (`<origin>/api` + `/notes…`, `/tags`) and the BFF forwards. */
export const API_PATHS = Object.freeze({ notes: '/api/notes', tags: '/api/tags' });

/** The BFF's default scope: the person's notes, a refresh token, and `tags:read` when there is a tags API. */
export const NOTES_BFF_SCOPE = 'openid profile email offline_access notes:read notes:write';

/**
 * The `createBff` options of the Notes app: the BFF forwards `/api/notes/5?x=1` to
 * `<notesApiUrl>/notes/5?x=1` with the session's access token, and `/api/tags` to
 * `<tagsApiUrl>/tags` with a token of the tags API's own (`tagsResource`, got with the refresh token).
 * @param {NotesBffSettings} settings
 * @returns {BffOptions}
 */
export function notesBffOptions(settings) {
  const { notesApiUrl, tagsApiUrl, tagsResource } = settings;
  if (tagsApiUrl && !tagsResource) throw new TypeError('notesBffOptions: `tagsResource` is required with `tagsApiUrl`');
  /** @type {BffOptions['apis']} */
  const apis = [{ path: API_PATHS.notes, target: `${notesApiUrl.replace(/\/+$/, '')}/notes` }];
  if (tagsApiUrl) apis.push({ path: API_PATHS.tags, target: `${tagsApiUrl.replace(/\/+$/, '')}/tags`, resource: /** @type {string} */ (tagsResource) });
  return {
    issuer: settings.issuer,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    baseUrl: settings.baseUrl,
    secret: settings.secret,
    scope: settings.scope ?? (tagsApiUrl ? `${NOTES_BFF_SCOPE} tags:read` : NOTES_BFF_SCOPE),
    apis,
    ...(settings.authorizeParams ? { authorizeParams: settings.authorizeParams } : {}),
    ...(settings.store ? { store: settings.store } : {}),
    ...(settings.onError ? { onError: settings.onError } : {}),
  };
}

/**
 * `clients` with the back-channel logout URI of `clientId` at `<baseUrl>/bff/backchannel-logout`:
 * the dev server registers it at its first app origin's (http://localhost:5173), so a BFF on
 * another origin (another APP_PORT, a test's free port) would not hear of logouts at the server.
 * @template {{ client_id?: unknown }} T
 * @param {T[]} clients
 * @param {string} clientId
 * @param {string} baseUrl
 * @returns {T[]}
 */
export function withBackchannelLogoutAt(clients, clientId, baseUrl) {
  const uri = new URL('/bff/backchannel-logout', baseUrl).href;
  return clients.map((client) => (client.client_id === clientId ? { ...client, backchannel_logout_uri: uri } : client));
}

/**
 * Starts the app's server. It listens at once, so its origin is known before the authorization
 * server (which registers it) and the BFF (whose `baseUrl` it is) exist, and answers 503 until
 * `serve()` gives it the built app and the BFF.
 * @param {{ port?: number; host?: string; log?: (message: string) => void }} [options]
 * @returns {Promise<BffAppServer>}
 */
export async function startBffAppServer(options = {}) {
  const host = options.host ?? 'localhost';
  const log = options.log ?? ((message) => console.error(message));
  /** @type {((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>) | undefined} */
  let handler;
  const server = createServer((req, res) => {
    if (!handler) {
      res.statusCode = 503;
      res.setHeader('Retry-After', '1');
      res.end('the app is being built');
      return;
    }
    handler(req, res).catch((error) => {
      log(`app server: ${req.method} ${req.url}: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 5173, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  /** @type {import('@pkce-auth/bff').Bff | undefined} */
  let mounted;
  /** @type {Promise<void> | undefined} */
  let stopped;
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    serve({ root, bff }) {
      mounted = bff;
      const files = appFiles(root);
      // The BFF first (its routes and API paths; bodies still unread), the app's files for the rest.
      handler = async (req, res) => {
        /** @type {Promise<void> | undefined} */
        let served;
        await bff.node(req, res, () => {
          served = files(req, res);
        });
        await served;
      };
    },
    stop() {
      stopped ??= new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }).then(() => mounted?.close());
      return stopped;
    },
  };
}
