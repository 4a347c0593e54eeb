import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import type { ServerMetadata } from './discovery.js';
import { httpOptions, request, type RequestContext } from './http.js';

/**
 * Revokes `token` (RFC 7009) at the metadata's revocation endpoint.
 *
 * @throws AuthError `token_error`, `network_error`, `invalid_token_response` or `invalid_config`.
 * @see https://www.rfc-editor.org/rfc/rfc7009
 */
export async function revoke(
  meta: ServerMetadata,
  client: oauth.Client,
  auth: oauth.ClientAuth,
  token: string,
  hint: string | undefined,
  ctx: RequestContext,
): Promise<void> {
  const response = await request(
    () =>
      oauth.revocationRequest(meta as oauth.AuthorizationServer, client, auth, token, {
        ...httpOptions(meta.revocation_endpoint as string, ctx),
        ...(hint ? { additionalParameters: { token_type_hint: hint } } : {}),
      }),
    'the revocation endpoint',
  );
  try {
    await oauth.processRevocationResponse(response);
  } catch (cause) {
    const { status } = response;
    throw cause instanceof oauth.ResponseBodyError
      ? new AuthError('token_error', `the revocation endpoint refused: ${cause.error}`, { error: cause.error, status, cause })
      : new AuthError(status >= 500 ? 'network_error' : 'invalid_token_response', `the revocation endpoint answered HTTP ${status}`, { status, cause });
  }
}
