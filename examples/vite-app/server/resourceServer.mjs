// The HTTP side shared by the example's resource servers (the notes API, the tags API): options
// checked up front, CORS for the app's origins (the Authorization and DPoP request headers, the
// challenge and DPoP-Nonce response headers), the DPoP nonce on every answer to a DPoP request,
// HttpError refusals as JSON, listening and stopping. The token checks are in accessTokens.mjs.
// Plain ESM + JSDoc so `node` runs it without a build step; types in resourceServer.d.mts.
import { createServer } from 'node:http';
import { createAccessTokenVerifier, HttpError } from './accessTokens.mjs';

/** @typedef {import('./resourceServer.d.mts').ResourceServerOptions} ResourceServerOptions */
/** @typedef {import('./resourceServer.d.mts').ResourceServerDefinition} ResourceServerDefinition */
/** @typedef {import('./resourceServer.d.mts').ResourceServer} ResourceServer */

/**
 * The origin `value` is, or undefined when it is not exactly an origin: a path (or query,
 * fragment, credentials) would be dropped from every expected DPoP `htu`, so it is refused rather
 * than ignored.
 * @param {string} value
 * @returns {string | undefined}
 */
export function exactOrigin(value) {
  const u = URL.parse(value);
  return u && u.origin !== 'null' && u.href === `${u.origin}/` ? u.origin : undefined;
}

/**
 * @param {string} value
 * @param {string} factory the function the options were given to, for the message
 */
function originOnly(value, factory) {
  const origin = exactOrigin(value);
  if (!origin) {
    throw new TypeError(`${factory}: \`publicOrigin\` must be an origin (scheme://host[:port], no path, query or fragment); got ${JSON.stringify(value)}`);
  }
  return origin;
}

/**
 * Starts a resource server: checks the options, listens, and hands each request (other than a CORS
 * preflight) to `definition.route` with the access-token verifier.
 * @param {ResourceServerOptions & { audience: string | null }} options
 * @param {ResourceServerDefinition} definition
 * @returns {Promise<ResourceServer>}
 */
export async function startResourceServer(options, definition) {
  const { factory, name } = definition;
  if (!options || typeof options.issuer !== 'string' || !options.issuer) {
    throw new TypeError(`${factory}: \`issuer\` is required`);
  }
  const host = options.host ?? '127.0.0.1';
  const allowedOrigins = new Set((options.allowedOrigins ?? ['http://localhost:5173', 'http://127.0.0.1:5173']).map((o) => new URL(o).origin));
  const log = options.log ?? (() => {});
  // The URL clients sign as `htu` comes from configuration, never from the request's Host header.
  const configuredOrigin = options.publicOrigin === undefined ? undefined : originOnly(options.publicOrigin, factory);
  /** @type {string} set once the server listens */
  let publicOrigin = '';

  const tokens = createAccessTokenVerifier({
    issuer: options.issuer,
    audience: options.audience,
    jwksUrl: options.jwksUrl,
    tokenType: options.tokenType,
    clockTolerance: options.clockTolerance,
    dpopMaxAge: options.dpopMaxAge,
    dpopNonceLifetime: options.dpopNonceLifetime,
    dpopReplayCacheSize: options.dpopReplayCacheSize,
    publicOrigin: () => publicOrigin,
    name,
    log,
  });
  const allowMethods = [...definition.methods, 'OPTIONS'].join(', ');
  // Browser clients may read the challenge (Bearer vs DPoP, error) and DPoP-Nonce for their next proof.
  const exposeHeaders = ['WWW-Authenticate', 'DPoP-Nonce', ...(definition.exposeHeaders ?? [])].join(', ');

  const server = createServer((req, res) => {
    options.onRequest?.(req);
    const origin = req.headers.origin;
    if (origin && allowedOrigins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', exposeHeaders);
    }
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      if (origin && allowedOrigins.has(origin)) {
        res.setHeader('Access-Control-Allow-Methods', allowMethods);
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, DPoP');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.statusCode = 204;
      return res.end();
    }
    // Every answer to a DPoP request, success or refusal, carries the nonce for the next proof.
    if (req.headers.dpop !== undefined || /^DPoP\b/i.test(req.headers.authorization ?? '')) {
      res.setHeader('DPoP-Nonce', tokens.currentNonce());
    }
    definition.route(req, res, tokens).catch((err) => {
      if (err instanceof HttpError) {
        return send(res, err.status, { error: err.error, error_description: err.message }, err.headers);
      }
      log(`${name}: ${err instanceof Error ? err.stack : String(err)}`);
      send(res, 500, { error: 'server_error', error_description: 'unexpected error' });
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? definition.defaultPort, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const port = address.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  publicOrigin = configuredOrigin ?? new URL(url).origin;

  /** @type {Promise<void> | undefined} */
  let stopped;
  return {
    url,
    port,
    stop() {
      stopped ??= new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

/**
 * The request's path without trailing slashes (`/` for the root) and its method.
 * @param {import('node:http').IncomingMessage} req
 */
export function pathAndMethod(req) {
  const url = new URL(req.url ?? '/', 'http://api.invalid');
  return { path: url.pathname.replace(/\/+$/, '') || '/', method: req.method ?? 'GET' };
}

/**
 * The request's JSON body: 415 without `Content-Type: application/json`, 413 beyond `maxBytes`, 400 when not JSON.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} maxBytes
 * @returns {Promise<unknown>}
 */
export async function readJson(req, maxBytes) {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(415, 'unsupported_media_type', 'send Content-Type: application/json');
  }
  let size = 0;
  /** @type {Buffer[]} */
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, 'payload_too_large', `the body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
}

/**
 * A JSON answer, never cached.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function send(res, status, body, headers = {}) {
  if (res.headersSent) return res.end();
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}
