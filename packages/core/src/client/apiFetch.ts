import { AuthError } from '../errors.js';
import { isUnder, pageLocation } from '../url.js';
import type { TokenAccess } from './accessToken.js';
import type { ClientConfig } from './options.js';
import type { Session } from './session.js';

/**
 * Puts the access token on an API request. The seam for sender-constrained tokens: Bearer today,
 * a DPoP proof and `Authorization: DPoP` where the client is configured for it.
 */
export type AttachToken = (request: Request, accessToken: string) => void | Promise<void>;

export const attachBearer: AttachToken = (request, accessToken) => {
  request.headers.set('Authorization', `Bearer ${accessToken}`);
};

export interface ApiFetchDeps {
  config: ClientConfig;
  session: Session;
  tokens: TokenAccess;
  attach: AttachToken;
}

/** Resolves a relative URL against the page, as the browser's own `fetch` would. */
function toRequest(input: RequestInfo | URL, init: RequestInit | undefined): Request {
  const base = pageLocation()?.href;
  return new Request(typeof input === 'string' && base ? new URL(input, base).href : input, init);
}

/**
 * Creates `auth.fetch`: the access token goes only to URLs under the `apis` option (default: the
 * app's origin); on a 401, one refresh per access token and one replay when the body allows it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export function createApiFetch({ config, session, tokens, attach }: ApiFetchDeps): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  /** The access token a 401 already made us refresh: another 401 for it refreshes nothing. */
  let refreshedFor: string | undefined;

  const send = async (request: Request, accessToken: string): Promise<Response> => {
    await attach(request, accessToken);
    return (config.ctx.fetch ?? globalThis.fetch)(request);
  };

  const refreshAfter401 = async (token: string): Promise<void> => {
    if (session.current()?.tokens.accessToken !== token || refreshedFor === token) return;
    refreshedFor = token;
    // A failed refresh is in `state.error`; the caller gets the server's 401 as it came.
    await tokens.refresh().catch(() => undefined);
  };

  return async (input, init) => {
    const first = toRequest(input, init);
    if (!config.apis.some((api) => isUnder(new URL(first.url), api))) {
      throw new AuthError('invalid_config', `auth.fetch(): ${first.url} is not under \`apis\` (default: the app's origin); add its API to \`apis\`, or use fetch() without a token`);
    }
    const token = await tokens.getAccessToken();
    // Kept unread so the request can be replayed once after a 401.
    const replay = first.clone();
    const response = await send(first, token);
    if (response.status !== 401) return response;
    await refreshAfter401(token);
    const fresh = session.current()?.tokens.accessToken;
    return !fresh || fresh === token ? response : send(replay, fresh);
  };
}
