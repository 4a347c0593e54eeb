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
  /** RFC 8707 resource indicator(s) of the authorization request; by default the server picks the APIs whose scopes are asked for. */
  resource?: string | string[];
  /** Push the authorization request first (PAR, RFC 9126) and send only `client_id` and `request_uri` to `/auth`; needed for `notes-spa-par`. Default `false`. */
  par?: boolean;
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

/** Options of {@link followAuthorization}: who signs in and how the interaction ends. */
export interface InteractionOptions {
  /** Where the server redirects back to; following stops there. */
  redirectUri: string;
  /** Default `'demo'`. */
  username?: string;
  /** Default `'demo'`. */
  password?: string;
  /** The consent decision. Default `'allow'`. */
  decision?: 'allow' | 'deny';
  /** Reuse a session's cookies (e.g. to see consent remembered). */
  jar?: CookieJar;
}

/** Options of {@link authorize}: {@link SignInOptions} plus what tests of the server itself vary. */
export interface AuthorizeOptions extends SignInOptions, Omit<InteractionOptions, 'redirectUri'> {
  /** `false` sends no PKCE challenge, to check that the server refuses it. Default `true`. */
  pkce?: boolean;
  /** Extra authorization-request parameters. */
  extra?: Record<string, string>;
}

/** Where {@link followAuthorization} ended: the redirect back, and what it took to get there. */
export interface InteractionResult {
  callbackUrl: URL;
  jar: CookieJar;
  /** The HTML of every interaction page shown (login, consent). */
  pages: string[];
}

/** Where {@link authorize} ended, with the PKCE verifier and state it made up. */
export interface AuthorizeResult extends InteractionResult {
  verifier: string;
  state: string;
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
  const clientId = opts.clientId ?? 'notes-spa';
  const scope = opts.scope ?? 'openid profile email offline_access notes:read notes:write';
  const params = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    // OpenID Connect's nonce; the server refuses one on a plain OAuth request (no `openid`).
    ...(scope.split(' ').includes('openid') ? { nonce: randomBytes(16).toString('base64url') } : {}),
    ...(opts.pkce === false ? {} : { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' }),
    ...opts.extra,
  });
  for (const resource of [opts.resource ?? []].flat()) params.append('resource', resource);
  let query = params;
  if (opts.par) {
    const res = await fetch(`${issuer}/request`, { method: 'POST', headers: clientHeaders(clientId, opts.clientSecret), body: params });
    const json = (await res.json()) as { request_uri?: string; error?: string; error_description?: string };
    if (!res.ok || !json.request_uri) throw new Error(`signIn: pushed authorization request failed: ${json.error ?? res.status} ${json.error_description ?? ''}`);
    query = new URLSearchParams({ client_id: clientId, request_uri: json.request_uri });
  }
  const result = await followAuthorization(new URL(`${issuer}/auth?${query}`), { ...opts, jar, redirectUri });
  return { ...result, verifier, state };
}

/**
 * Follows an authorization request URL through the login and consent pages over plain HTTP
 * (e.g. `/auth?client_id=…&request_uri=…` after a pushed request) and returns the redirect back
 * to `redirectUri` (with `code`, or `error`).
 */
export async function followAuthorization(start: URL, opts: InteractionOptions): Promise<InteractionResult> {
  const jar = opts.jar ?? new CookieJar();
  const { redirectUri } = opts;
  const pages: string[] = [];
  let url = start;
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
      if (location.href.startsWith(redirectUri)) return { callbackUrl: location, jar, pages };
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
  if (!opts.clientSecret) form.set('client_id', clientId);
  const res = await fetch(`${issuer}/token`, { method: 'POST', headers: clientHeaders(clientId, opts.clientSecret), body: form });
  const json = (await res.json()) as SignInTokens & { error?: string; error_description?: string };
  if (!res.ok) throw new Error(`signIn: token request failed: ${json.error ?? res.status} ${json.error_description ?? ''}`);
  return json;
}

/** Form headers of a back-channel request, with HTTP Basic for a confidential client. */
function clientHeaders(clientId: string, clientSecret: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (clientSecret) {
    headers['authorization'] = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
  }
  return headers;
}
