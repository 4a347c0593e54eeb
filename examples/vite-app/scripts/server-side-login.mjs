// A tiny confidential web app (client `notes-web`, with a client secret kept on the server):
// the Authorization Code grant with PKCE done server-side. `/login` sends the browser to the
// authorization endpoint; `/callback` checks `state` (and `iss`) and exchanges the code with the
// client secret, then shows the validated ID-token claims.
//
//   node scripts/server-side-login.mjs     (with `pnpm dev` running) → http://127.0.0.1:5174/
//
// Environment (all optional): AUTH_ISSUER (default http://127.0.0.1:4000), WEB_PORT (5174),
// WEB_CLIENT_ID (notes-web), WEB_CLIENT_SECRET (notes-web-secret).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createPkcePair, discover, exchangeCode, revokeToken } from '@pkce-auth/core';

/**
 * @typedef {object} WebAppOptions
 * @property {string} [issuer]
 * @property {number} [port]      default 5174; 0 = a free port (register `<url>/callback` then)
 * @property {string} [host]      default 127.0.0.1
 * @property {string} [clientId]
 * @property {string} [clientSecret]
 * @property {string} [scope]     default 'openid profile email'
 */

/**
 * @typedef {object} WebApp
 * @property {string} url
 * @property {number} port
 * @property {() => Promise<void>} stop
 */

const PENDING_TTL_MS = 10 * 60 * 1000;

/**
 * Starts the server-side login app.
 * @param {WebAppOptions} [options]
 * @returns {Promise<WebApp>}
 */
export async function startServerSideLogin(options = {}) {
  const env = process.env;
  const issuer = options.issuer ?? env.AUTH_ISSUER ?? 'http://127.0.0.1:4000';
  const clientId = options.clientId ?? env.WEB_CLIENT_ID ?? 'notes-web';
  const clientSecret = options.clientSecret ?? env.WEB_CLIENT_SECRET ?? 'notes-web-secret';
  const scope = options.scope ?? 'openid profile email';
  const host = options.host ?? '127.0.0.1';

  /** @type {Map<string, { verifier: string, nonce: string, createdAt: number }>} pending logins by state */
  const pending = new Map();
  /** @type {Map<string, { claims: Record<string, unknown>, idToken?: string, refreshToken?: string, scope?: string, expiresAt?: number }>} */
  const sessions = new Map();
  let base = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      html(res, 500, `<h1>Error</h1><p id="error">${esc(err instanceof Error ? err.message : String(err))}</p><p><a href="/">Home</a></p>`);
    });
  });

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    const url = new URL(req.url ?? '/', base);
    const cookies = parseCookies(req.headers.cookie);
    const redirectUri = `${base}/callback`;

    if (url.pathname === '/') {
      const session = cookies.sid ? sessions.get(cookies.sid) : undefined;
      if (!session) {
        return html(res, 200, `<h1>Notes — server-side app</h1>
<p>A confidential client (<code>${esc(clientId)}</code>) that keeps its secret on the server.</p>
<p><a id="login" href="/login">Sign in</a></p>`);
      }
      return html(res, 200, `<h1>Signed in</h1>
<p>Hello, <strong id="name">${esc(session.claims.name ?? session.claims.sub)}</strong>.</p>
<h2>ID token claims</h2>
<pre id="claims">${esc(JSON.stringify(session.claims, null, 2))}</pre>
<p>Access token scope: <code id="scope">${esc(session.scope ?? '')}</code>; refresh token: ${session.refreshToken ? 'yes' : 'no'}</p>
<p><a id="logout" href="/logout">Sign out</a></p>`);
    }

    if (url.pathname === '/login') {
      const meta = await discover(issuer);
      if (!meta.authorization_endpoint) throw new Error(`${issuer} has no authorization_endpoint`);
      const { verifier, challenge } = await createPkcePair();
      const state = randomBytes(32).toString('base64url');
      const nonce = randomBytes(32).toString('base64url');
      const now = Date.now();
      for (const [key, p] of pending) if (now - p.createdAt > PENDING_TTL_MS) pending.delete(key);
      pending.set(state, { verifier, nonce, createdAt: now });
      const authorize = new URL(meta.authorization_endpoint);
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        scope,
        state,
        nonce,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).toString();
      // The state cookie binds the callback to this browser (login CSRF).
      res.setHeader('Set-Cookie', `login_state=${state}; Path=/callback; HttpOnly; SameSite=Lax; Max-Age=600`);
      return redirect(res, authorize.href);
    }

    if (url.pathname === '/callback') {
      const state = url.searchParams.get('state') ?? '';
      const login = pending.get(state);
      pending.delete(state);
      res.setHeader('Set-Cookie', 'login_state=; Path=/callback; HttpOnly; SameSite=Lax; Max-Age=0');
      if (!login || cookies.login_state !== state || Date.now() - login.createdAt > PENDING_TTL_MS) {
        return html(res, 400, '<h1>Sign-in failed</h1><p id="error">Unknown or expired sign-in (state mismatch). <a href="/login">Try again</a></p>');
      }
      let result;
      try {
        result = await exchangeCode({
          issuer,
          clientId,
          clientSecret,
          authMethod: 'client_secret_basic',
          redirectUri,
          callbackUrl: url,
          codeVerifier: login.verifier,
          expectedState: state,
          expectedNonce: login.nonce,
        });
      } catch (err) {
        const e = /** @type {{ code?: string, error?: string, message?: string }} */ (err);
        return html(res, 400, `<h1>Sign-in failed</h1><p id="error">${esc(e.error ?? e.code ?? 'error')}: ${esc(e.message ?? '')}</p><p><a href="/">Home</a></p>`);
      }
      const sid = randomBytes(32).toString('base64url');
      sessions.set(sid, {
        claims: result.claims ?? {},
        ...(result.tokens.idToken ? { idToken: result.tokens.idToken } : {}),
        ...(result.tokens.refreshToken ? { refreshToken: result.tokens.refreshToken } : {}),
        ...(result.tokens.scope ? { scope: result.tokens.scope } : {}),
        ...(result.tokens.expiresAt ? { expiresAt: result.tokens.expiresAt } : {}),
      });
      res.setHeader('Set-Cookie', [
        'login_state=; Path=/callback; HttpOnly; SameSite=Lax; Max-Age=0',
        `sid=${sid}; Path=/; HttpOnly; SameSite=Lax`,
      ]);
      return redirect(res, '/');
    }

    if (url.pathname === '/logout') {
      const session = cookies.sid ? sessions.get(cookies.sid) : undefined;
      if (cookies.sid) sessions.delete(cookies.sid);
      res.setHeader('Set-Cookie', 'sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
      if (!session) return redirect(res, '/');
      if (session.refreshToken) {
        await revokeToken({ issuer, clientId, clientSecret, authMethod: 'client_secret_basic', token: session.refreshToken, tokenTypeHint: 'refresh_token' }).catch(() => {});
      }
      const meta = await discover(issuer);
      if (!meta.end_session_endpoint) return redirect(res, '/');
      const end = new URL(meta.end_session_endpoint);
      end.search = new URLSearchParams({
        client_id: clientId,
        post_logout_redirect_uri: `${base}/`,
        ...(session.idToken ? { id_token_hint: session.idToken } : {}),
      }).toString();
      return redirect(res, end.href);
    }

    html(res, 404, '<h1>Not found</h1>');
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? Number(env.WEB_PORT ?? 5174), host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  base = `http://${host}:${port}`;
  return {
    url: base,
    port,
    stop: () =>
      new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** @param {string | undefined} header @returns {Record<string, string>} */
function parseCookies(header) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** @param {unknown} value */
function esc(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {string} body */
function html(res, status, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Notes server-side app</title></head><body>${body}</body></html>`);
}

/** @param {import('node:http').ServerResponse} res @param {string} location */
function redirect(res, location) {
  res.statusCode = 302;
  res.setHeader('Location', location);
  res.setHeader('Cache-Control', 'no-store');
  res.end();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const app = await startServerSideLogin();
  console.log(`Server-side login app on ${app.url}/ (client notes-web). Sign in as demo / demo. Ctrl-C to stop.`);
  const stop = () => app.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
