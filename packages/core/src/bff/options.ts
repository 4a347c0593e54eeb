import { AuthError } from '../errors.js';
import { isLoopback, pageLocation, tryUrl } from '../url.js';

/** Options of {@link createBffClient}. */
export interface BffClientOptions {
  /**
   * The origin the BFF (`@pkce-auth/bff`) serves its routes on, `<baseUrl>/bff/…`: https, or http
   * on loopback. Default: the page's origin, where the BFF is normally mounted.
   */
  baseUrl?: string;
  /** The `fetch` used for every request to the BFF. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Navigation adapter, default `location.assign`. Useful in tests and non-browser hosts. */
  navigate?: (url: string) => void;
}

/** The BFF client's validated options, and how it talks to the BFF. */
export interface BffConfig {
  /** The BFF's origin. @throws AuthError `invalid_config` when there is none (no page and no `baseUrl`). */
  origin(): string;
  /** The absolute URL of the BFF route `name` (`user`, `login`, `logout`). */
  route(name: string): string;
  /** Sends `request` with the CSRF header and the cookies (the session cookie is `HttpOnly`). */
  send(request: Request): Promise<Response>;
  navigate(url: string): void;
}

const fail = (message: string): never => {
  throw new AuthError('invalid_config', message);
};

/** The page's origin where it is an http(s) one (not `null` of file: or a sandbox). */
function pageOrigin(): string | undefined {
  const origin = pageLocation()?.origin;
  return origin?.startsWith('http') ? origin : undefined;
}

function parseBaseUrl(baseUrl: unknown): string {
  const url = tryUrl(String(baseUrl));
  // The BFF's routes live at the origin's /bff (its cookie has Path=/): a path here would be lost.
  if (url?.href === `${url?.origin}/` && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url)))) return url.origin;
  return fail(`\`baseUrl\` must be an https origin (http on localhost), without a path: the routes are under /bff; got ${JSON.stringify(baseUrl)}`);
}

/**
 * Validates the options of {@link createBffClient}.
 *
 * @throws AuthError `invalid_config` naming the unusable option.
 */
export function resolveBffOptions(options: BffClientOptions): BffConfig {
  const { fetch: fetchImpl, navigate, baseUrl } = options;
  const base = baseUrl === undefined ? undefined : parseBaseUrl(baseUrl);
  const origin = (): string => base ?? pageOrigin() ?? fail('createBffClient(): no page origin here; pass `baseUrl`');
  return {
    origin,
    route: (name) => `${origin()}/bff/${name}`,
    send(request) {
      const sent = new Request(request, { credentials: 'include' });
      sent.headers.set('X-CSRF', '1');
      // Looked up per call, so a fetch patched after the client was made (tests, polyfills) is used.
      return (fetchImpl ?? globalThis.fetch)(sent);
    },
    navigate: navigate ?? ((url) => (pageLocation() ?? fail('createBffClient(): no location to navigate; pass `navigate`')).assign(url)),
  };
}
