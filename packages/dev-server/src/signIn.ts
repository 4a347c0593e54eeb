import { createHash, randomBytes } from 'node:crypto';

/** Options of {@link signIn}. */
export interface SignInOptions {
  /** The dev server's issuer. */
  issuer: string;
  /** Default `'demo'`. */
  username?: string;
  /** Default `'demo'`. */
  password?: string;
  /** Default `'notes-spa'`. */
  clientId?: string;
  /** For a confidential client such as `notes-web`; sent with HTTP Basic. */
  clientSecret?: string;
  /** Default `'http://localhost:5173/callback'`. */
  redirectUri?: string;
  /** Default `'openid profile email offline_access notes:read notes:write'`. */
  scope?: string;
  /** RFC 8707 resource indicator; by default the server picks its API when the scope asks for it. */
  resource?: string;
}

/** The token response of {@link signIn}, as sent by the server (snake_case wire names). */
export interface SignInTokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
}

/** Cookies of one browser-like session across the interaction's redirects. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value && !/expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Options of {@link authorize}: {@link SignInOptions} plus what tests of the server itself vary. */
export interface AuthorizeOptions extends Omit<SignInOptions, 'clientSecret'> {
  /** The consent decision. Default `'allow'`. */
  decision?: 'allow' | 'deny';
  /** `false` sends no PKCE challenge, to check that the server refuses it. Default `true`. */
  pkce?: boolean;
  /** Reuse a session's cookies (e.g. to see consent remembered). */
  jar?: CookieJar;
  /** Extra authorization-request parameters. */
  extra?: Record<string, string>;
}

/** Where {@link authorize} ended: the redirect back, and what it took to get there. */
export interface AuthorizeResult {
  callbackUrl: URL;
  verifier: string;
  state: string;
  jar: CookieJar;
  /** The HTML of every interaction page shown (login, consent). */
  pages: string[];
}

/**
 * Runs the authorization request with PKCE through the login and consent pages over plain HTTP
 * and returns the redirect back to `redirectUri` (with `code`, or `error` after a denial).
 */
export async function authorize(opts: AuthorizeOptions): Promise<AuthorizeResult> {
  const issuer = opts.issuer.replace(/\/+$/, '');
  const jar = opts.jar ?? new CookieJar();
  const redirectUri = opts.redirectUri ?? 'http://localhost:5173/callback';
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const params = new URLSearchParams({
    client_id: opts.clientId ?? 'notes-spa',
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: opts.scope ?? 'openid profile email offline_access notes:read notes:write',
    state,
    nonce: randomBytes(16).toString('base64url'),
    ...(opts.pkce === false ? {} : { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' }),
    ...(opts.resource ? { resource: opts.resource } : {}),
    ...opts.extra,
  });
  const pages: string[] = [];
  let url = new URL(`${issuer}/auth?${params}`);
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(body ? { body } : {}),
    });
    jar.store(res);
    body = undefined;
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location') ?? '', url);
      if (location.href.startsWith(redirectUri)) return { callbackUrl: location, verifier, state, jar, pages };
      url = location;
      continue;
    }
    const html = await res.text();
    pages.push(html);
    if (res.status !== 200) throw new Error(`signIn: HTTP ${res.status} at ${url.pathname}`);
    const uid = /action="\/interaction\/([^/"]+)\//.exec(html)?.[1];
    if (!uid) throw new Error(`signIn: unexpected page at ${url.pathname}`);
    if (html.includes('name="username"')) {
      url = new URL(`/interaction/${uid}/login`, url);
      body = new URLSearchParams({ username: opts.username ?? 'demo', password: opts.password ?? 'demo' });
    } else {
      url = new URL(`/interaction/${uid}/${opts.decision === 'deny' ? 'abort' : 'confirm'}`, url);
      body = new URLSearchParams();
    }
  }
  throw new Error('signIn: too many redirects');
}

/**
 * Signs a person in over plain HTTP — authorization request with PKCE, login form, consent,
 * code exchange — and returns the tokens: for API tests that need a real user's access token
 * without a browser. Throws on any unexpected response.
 */
export async function signIn(opts: SignInOptions): Promise<SignInTokens> {
  const issuer = opts.issuer.replace(/\/+$/, '');
  const clientId = opts.clientId ?? 'notes-spa';
  const redirectUri = opts.redirectUri ?? 'http://localhost:5173/callback';
  const { callbackUrl: callback, verifier, state } = await authorize({ ...opts, clientId, redirectUri });
  const error = callback.searchParams.get('error');
  if (error) throw new Error(`signIn: ${error}: ${callback.searchParams.get('error_description') ?? ''}`);
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== state) throw new Error('signIn: bad callback');

  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (opts.clientSecret) {
    headers['authorization'] = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(opts.clientSecret)}`).toString('base64')}`;
  } else {
    form.set('client_id', clientId);
  }
  const res = await fetch(`${issuer}/token`, { method: 'POST', headers, body: form });
  const json = (await res.json()) as SignInTokens & { error?: string; error_description?: string };
  if (!res.ok) throw new Error(`signIn: token request failed: ${json.error ?? res.status} ${json.error_description ?? ''}`);
  return json;
}
