import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { httpOptions, request } from './http.js';
import type { TokenEndpoint } from './tokenRequests.js';
import { oauthError } from './tokenResponse.js';

/** Maps a refused or malformed pushed-authorization response to an AuthError. */
function refused(cause: unknown, status: number): AuthError {
  if (status >= 500) return new AuthError('network_error', `the pushed authorization request endpoint answered HTTP ${status}; try again later`, { status, cause });
  const { error, description } = oauthError(cause);
  const why = error ? `${error}${description ? ` (${description})` : ''}` : (cause as Error).message;
  return new AuthError('authorization_error', `the server refused the pushed authorization request: ${why}`, { error, errorDescription: description, status, cause });
}

/**
 * Pushes the authorization request's parameters to the server (RFC 9126) and returns the
 * `request_uri` the authorization redirect carries instead of them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9126#section-2
 */
export async function pushAuthorization(te: TokenEndpoint, params: URLSearchParams): Promise<string> {
  const { as, client, auth, ctx } = te;
  const url = as.pushed_authorization_request_endpoint as string;
  const response = await request(() => oauth.pushedAuthorizationRequest(as, client, auth, params, httpOptions(url, ctx)), 'the pushed authorization request endpoint');
  try {
    return (await oauth.processPushedAuthorizationResponse(as, client, response)).request_uri;
  } catch (cause) {
    throw refused(cause, response.status);
  }
}
