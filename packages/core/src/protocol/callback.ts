import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';

/**
 * Validates an authorization response (RFC 9207 `iss`, `state`, then `error`) with oauth4webapi,
 * and requires exactly one `code` and no `error` at all: oauth4webapi lets an empty `error=`
 * through, and a duplicated `code` would only fail later, inside the token request.
 *
 * @throws AuthError `issuer_mismatch`, `state_mismatch` or `authorization_error`.
 * @see https://www.rfc-editor.org/rfc/rfc9207, https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
export function validateCallback(as: oauth.AuthorizationServer, client: oauth.Client, params: URLSearchParams, state: string): URLSearchParams {
  let validated: URLSearchParams;
  try {
    validated = oauth.validateAuthResponse(as, client, params, state);
  } catch (cause) {
    throw callbackError(cause);
  }
  if (validated.has('error') || validated.getAll('code').length !== 1) {
    throw new AuthError('authorization_error', 'the callback URL must carry exactly one `code` and no `error`; start the login again');
  }
  return validated;
}

/** Maps a callback (authorization response) validation failure from oauth4webapi to an AuthError. */
function callbackError(cause: unknown): AuthError {
  if (cause instanceof oauth.AuthorizationResponseError) {
    const { error, error_description } = cause;
    return new AuthError('authorization_error', `the authorization server answered ${error}${error_description ? `: ${error_description}` : ''}`, {
      error,
      errorDescription: error_description,
      cause,
    });
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  const [code, what] = message.includes('"iss"')
    ? (['issuer_mismatch', '`iss` is missing or not the issuer (RFC 9207)'] as const)
    : message.includes('"state"')
      ? (['state_mismatch', '`state` is invalid'] as const)
      : (['authorization_error', 'is invalid'] as const);
  return new AuthError(code, `the authorization response ${what}: ${message}; start the login again`, { cause });
}
