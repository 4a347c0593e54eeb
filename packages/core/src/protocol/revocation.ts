import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import type { ServerMetadata } from './discovery.js';
import { httpOptions, request, type RequestContext } from './http.js';

/**
 * Revokes `token` (RFC 7009) at the metadata's revocation endpoint.
 *
 * @throws AuthError `token_error`, `revocation_refused`, `network_error`, `invalid_token_response` or `invalid_config`.
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
    // Read the (empty) body to its end: a response left unread counts as in flight, and the
    // end-session navigation that follows would abort it (an error in the console).
    await response.arrayBuffer();
  } catch (cause) {
    throw revocationError(response.status, cause);
  }
}

function revocationError(status: number, cause: unknown): AuthError {
  if (cause instanceof oauth.ResponseBodyError) {
    return new AuthError('token_error', `the revocation endpoint refused: ${cause.error}`, { error: cause.error, status, cause });
  }
  if (status >= 500) return new AuthError('network_error', `the revocation endpoint answered HTTP ${status}`, { status, cause });
  if (status >= 400) {
    // A bare 401/403 is how several servers say "this client may not revoke" (e.g. revocation
    // turned off for the app client); it is a refusal, not a malformed answer.
    return new AuthError('revocation_refused', `the revocation endpoint refused this client (HTTP ${status}, no error body); check that the server allows it to revoke tokens`, { status, cause });
  }
  return new AuthError('invalid_token_response', `the revocation endpoint answered HTTP ${status}`, { status, cause });
}
