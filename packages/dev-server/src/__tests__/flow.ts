/** Test helpers: drive the dev server's authorization flow over HTTP with a cookie jar. */
import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';

export class CookieJar {
  readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export interface AuthorizeOptions {
  issuer: string;
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  resource?: string;
  username?: string;
  password?: string;
  decision?: 'allow' | 'deny';
  pkce?: boolean;
  jar?: CookieJar;
  extra?: Record<string, string>;
}

export interface AuthorizeResult {
  callbackUrl: URL;
  verifier: string;
  state: string;
  jar: CookieJar;
  pages: string[];
}

/** Runs /auth → login → consent → redirect_uri and returns the callback URL. */
export async function authorize(opts: AuthorizeOptions): Promise<AuthorizeResult> {
  const jar = opts.jar ?? new CookieJar();
  const redirectUri = opts.redirectUri ?? 'http://localhost:5173/callback';
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const params = new URLSearchParams({
    client_id: opts.clientId ?? 'notes-spa',
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: opts.scope ?? 'openid profile email notes:read notes:write',
    state,
    nonce: randomBytes(16).toString('base64url'),
    ...(opts.pkce === false ? {} : { code_challenge: challenge, code_challenge_method: 'S256' }),
    ...(opts.resource ? { resource: opts.resource } : {}),
    ...opts.extra,
  });
  const pages: string[] = [];
  let url = new URL(`${opts.issuer}/auth?${params}`);
  let init: RequestInit = { method: 'GET' };
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.store(res);
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location') ?? '', url);
      if (location.href.startsWith(redirectUri)) return { callbackUrl: location, verifier, state, jar, pages };
      url = location;
      init = { method: 'GET' };
      continue;
    }
    const html = await res.text();
    pages.push(html);
    if (res.status !== 200) throw new Error(`unexpected ${res.status} at ${url.pathname}: ${html}`);
    const form = (action: string, body: Record<string, string> = {}) => {
      const m = new RegExp(`action="([^"]*/${action})"`).exec(html);
      if (!m?.[1]) throw new Error(`no ${action} form in ${url.pathname}: ${html}`);
      url = new URL(m[1], url);
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      };
    };
    if (html.includes('name="username"')) {
      form('login', { username: opts.username ?? 'demo', password: opts.password ?? 'demo' });
    } else if (html.includes('>Allow</button>')) {
      form(opts.decision === 'deny' ? 'abort' : 'confirm');
    } else {
      throw new Error(`unexpected page at ${url.pathname}: ${html}`);
    }
  }
  throw new Error('too many redirects');
}

export async function tokenRequest(
  issuer: string,
  body: Record<string, string>,
  auth?: { clientId: string; clientSecret: string },
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers['authorization'] = `Basic ${Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64')}`;
  const res = await fetch(`${issuer}/token`, { method: 'POST', headers, body: new URLSearchParams(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Verifies an RS256 JWT against the issuer's JWKS; returns header and payload. */
export async function verifyJwt(
  issuer: string,
  jwt: string,
): Promise<{ header: Record<string, unknown>; payload: Record<string, unknown> }> {
  const [h = '', p = '', s = ''] = jwt.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
  const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Array<{ kid?: string } & Record<string, unknown>> };
  const jwk = jwks.keys.find((k) => k.kid === header['kid']);
  if (!jwk) throw new Error('no matching key');
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  if (header['alg'] !== 'RS256') throw new Error(`unexpected alg ${String(header['alg'])}`);
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) throw new Error('bad signature');
  return { header, payload };
}
