import { AuthError } from '../errors.js';
import type { AuthClient } from '../types.js';
import { isUnder, pageLocation, tryUrl } from '../url.js';
import { targetKey, tokenOf } from './apiTokens.js';
import type { TokenAccess } from './accessToken.js';
import type { ApiTarget, ClientConfig } from './options.js';
import type { Session } from './session.js';

/**
 * How an access token is presented to an API: Bearer, or with a DPoP proof where the client is
 * configured for it (see `dpop.ts`).
 */
export interface TokenPresenter {
  /** Sends `request` with `accessToken`. */
  send(request: Request, accessToken: string): Promise<Response>;
  /** The headers that would authorize `method url` with `accessToken`. */
  headers(method: string, url: URL, accessToken: string): Promise<Record<string, string>>;
}

export function bearer(config: ClientConfig): TokenPresenter {
  return {
    send(request, accessToken) {
      request.headers.set('Authorization', `Bearer ${accessToken}`);
      return (config.ctx.fetch ?? globalThis.fetch)(request);
    },
    headers: async (_method, _url, accessToken) => ({ Authorization: `Bearer ${accessToken}` }),
  };
}

export interface ApiAccessDeps {
  config: ClientConfig;
  session: Session;
  tokens: TokenAccess;
  presenter: TokenPresenter;
}

/** Resolves a relative URL against the page, as the browser's own `fetch` would. */
function toRequest(input: RequestInfo | URL, init: RequestInit | undefined): Request {
  const base = pageLocation()?.href;
  return new Request(typeof input === 'string' && base ? new URL(input, base).href : input, init);
}

/** The API of `apis` that `url` is under; the token may go nowhere else. */
function apiFor(config: ClientConfig, url: string, caller: string): ApiTarget {
  const api = config.apis.find((candidate) => isUnder(new URL(url), candidate.url));
  if (!api) throw new AuthError('invalid_config', `${caller}: ${url} is not under \`apis\` (default: the app's origin); add its API to \`apis\`, or use fetch() without a token`);
  return api;
}

/**
 * Creates `auth.fetch` and `auth.getAuthHeaders`: the access token goes only to URLs under the
 * `apis` option (default: the app's origin), each API getting its own token where it names a
 * `resource`/`scope`; on a 401, one refresh per access token and one replay when the body allows it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1, https://www.rfc-editor.org/rfc/rfc8707
 */
export function createApiAccess({ config, session, tokens, presenter }: ApiAccessDeps): Pick<AuthClient, 'fetch' | 'getAuthHeaders'> {
  /** Per API token: the access token a 401 already made us refresh; another 401 for it refreshes nothing. */
  const refreshedFor = new Map<string, string>();

  const tokenNow = (api: ApiTarget): string | undefined => tokenOf(session.current(), api.token)?.tokens.accessToken;

  const refreshAfter401 = async (api: ApiTarget, token: string): Promise<void> => {
    const key = targetKey(api.token);
    if (tokenNow(api) !== token || refreshedFor.get(key) === token) return;
    refreshedFor.set(key, token);
    // A failed refresh is in `state.error`; the caller gets the server's 401 as it came.
    await tokens.refresh(api.token).catch(() => undefined);
  };

  return {
    async fetch(input, init) {
      const first = toRequest(input, init);
      const api = apiFor(config, first.url, 'auth.fetch()');
      const token = await tokens.getAccessToken(api.token);
      // Kept unread so the request can be replayed once after a 401.
      const replay = first.clone();
      const response = await presenter.send(first, token);
      if (response.status !== 401) return response;
      await refreshAfter401(api, token);
      const fresh = tokenNow(api);
      return !fresh || fresh === token ? response : presenter.send(replay, fresh);
    },
    async getAuthHeaders(request) {
      const { url, method = 'GET' } = request ?? {};
      const target = tryUrl(String(url), pageLocation()?.href);
      if (!target || typeof method !== 'string') throw new AuthError('invalid_config', 'auth.getAuthHeaders() takes { url, method? }: an absolute (or page-relative) URL and an HTTP method');
      const api = apiFor(config, target.href, 'auth.getAuthHeaders()');
      return presenter.headers(method.toUpperCase(), target, await tokens.getAccessToken(api.token));
    },
  };
}
