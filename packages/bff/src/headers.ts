/** Hop-by-hop headers (RFC 9110 §7.6.1): about one connection, never forwarded. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/**
 * What the browser sent that the API must not see: its cookies (the BFF's session among them),
 * the CSRF header, any `Authorization` of its own (the BFF sets it), `Host` (fetch sets the
 * target's), `Accept-Encoding` (fetch negotiates and decodes itself) and `Expect` (answered by
 * the BFF's server already; fetch refuses to send it).
 */
const REQUEST_ONLY = ['cookie', 'x-csrf', 'authorization', 'host', 'accept-encoding', 'expect'];

/** Headers minus `drop` and minus the hop-by-hop ones, including those `Connection` names. */
function without(headers: Headers, drop: readonly string[]): Headers {
  const named = (headers.get('connection') ?? '').split(',').map((h) => h.trim().toLowerCase());
  const out = new Headers();
  for (const [name, value] of headers) {
    if (!HOP_BY_HOP.includes(name) && !drop.includes(name) && !named.includes(name)) out.append(name, value);
  }
  return out;
}

/** The headers of the upstream request: the browser's, cleaned, with the access token. */
export function upstreamRequestHeaders(browser: Headers, accessToken: string): Headers {
  const out = without(browser, REQUEST_ONLY);
  out.set('authorization', `Bearer ${accessToken}`);
  return out;
}

/**
 * The headers of the response to the browser: the API's, minus hop-by-hop ones and
 * `Set-Cookie` (the API must not set cookies on the app's origin, its session cookie included).
 * fetch has already decoded a compressed body, so its `Content-Encoding` and `Content-Length`
 * no longer describe it.
 */
export function browserResponseHeaders(upstream: Headers): Headers {
  const decoded = upstream.has('content-encoding');
  return without(upstream, ['set-cookie', ...(decoded ? ['content-encoding', 'content-length'] : [])]);
}
