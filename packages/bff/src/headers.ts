/** A header as a name (lower case) and one value; a header sent twice is two of them. */
export type HeaderPair = [name: string, value: string];

/** Hop-by-hop headers (RFC 9110 §7.6.1): about one connection, never forwarded. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/**
 * What the browser sent that the API must not see: its cookies (the BFF's session among them),
 * the CSRF header, any `Authorization` of its own (the BFF sets it), `Host` (the client sets the
 * target's) and `Expect` (answered by the BFF's server already; fetch refuses to send it).
 */
const REQUEST_ONLY = ['cookie', 'x-csrf', 'authorization', 'host', 'expect'];

/**
 * What makes the upstream call: `fetch` (bff.fetch) negotiates compression and decodes bodies
 * itself; `node:http` (bff.node) passes the bytes on as sent.
 */
export type UpstreamClient = 'fetch' | 'node:http';

/** Methods whose body is not forwarded (neither client sends one). */
export const BODYLESS = ['GET', 'HEAD'];

/** Headers minus `drop` and minus the hop-by-hop ones, including those `Connection` names. */
function without(headers: Iterable<HeaderPair>, drop: readonly string[]): HeaderPair[] {
  const pairs = [...headers];
  const named = pairs.filter(([name]) => name === 'connection').flatMap(([, value]) => value.split(',').map((h) => h.trim().toLowerCase()));
  return pairs.filter(([name]) => !HOP_BY_HOP.includes(name) && !drop.includes(name) && !named.includes(name));
}

/**
 * The headers of the upstream request: the browser's, cleaned, with the access token. Where the
 * client decodes (fetch), the browser's `Accept-Encoding` is not forwarded: fetch sends its own.
 * A GET or HEAD goes without its body, so without the browser's `Content-Length` too: the API
 * would wait for that many bytes and read the next call on the kept-alive connection as them.
 */
export function upstreamRequestHeaders(browser: Iterable<HeaderPair>, accessToken: string, method: string, client: UpstreamClient): HeaderPair[] {
  const drop = [...REQUEST_ONLY, ...(client === 'fetch' ? ['accept-encoding'] : []), ...(BODYLESS.includes(method) ? ['content-length'] : [])];
  return [...without(browser, drop), ['authorization', `Bearer ${accessToken}`]];
}

/**
 * The headers of the response to the browser: the API's, minus hop-by-hop ones and
 * `Set-Cookie` (the API must not set cookies on the app's origin, its session cookie included).
 * Where fetch has decoded a compressed body, its `Content-Encoding` and `Content-Length` no
 * longer describe it.
 */
export function browserResponseHeaders(upstream: Iterable<HeaderPair>, client: UpstreamClient): HeaderPair[] {
  const pairs = [...upstream];
  const decoded = client === 'fetch' && pairs.some(([name]) => name === 'content-encoding');
  return without(pairs, ['set-cookie', ...(decoded ? ['content-encoding', 'content-length'] : [])]);
}

/** The pairs of node's `rawHeaders` (`[name, value, name, value, …]`), names in lower case. */
export function rawHeaderPairs(raw: readonly string[]): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
  return pairs;
}
