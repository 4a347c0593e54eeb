/**
 * The closed set of failure kinds every pkce-auth function reports.
 *
 * - `invalid_config`: the options passed to the client are unusable (message names the option).
 * - `discovery_failed`: the issuer's metadata could not be fetched or is malformed.
 * - `invalid_return_to`: a `returnTo` would leave the app's origin (open-redirect guard).
 * - `state_mismatch`: a callback matches no pending login (expired, replayed or forged).
 * - `authorization_error`: the server redirected back with `error=` (`error` holds its value).
 * - `issuer_mismatch`: discovery `issuer` or callback `iss` differs from the configured issuer (RFC 9207).
 * - `token_error`: the token endpoint answered with an OAuth error (`error` holds e.g. `invalid_grant`).
 * - `invalid_token_response`: the token endpoint answered with something that is not a valid token response.
 * - `invalid_id_token`: the ID token's claims failed validation (`iss`, `aud`, `azp`, `exp`, `iat`, `nonce`).
 * - `network_error`: the server could not be reached or answered with a 5xx.
 * - `login_required`: there is no session (or it ended); call `login()`.
 * - `revocation_refused`: the revocation endpoint refused with a bare 4xx (no OAuth error body),
 *   typically because the server does not let this client revoke; signed out locally anyway.
 * - `login_cancelled`: the sign-in popup was blocked, closed before the server answered, or timed out (its login expired).
 */
export type AuthErrorCode =
  | 'invalid_config'
  | 'discovery_failed'
  | 'invalid_return_to'
  | 'state_mismatch'
  | 'authorization_error'
  | 'issuer_mismatch'
  | 'token_error'
  | 'invalid_token_response'
  | 'invalid_id_token'
  | 'network_error'
  | 'login_required'
  | 'revocation_refused'
  | 'login_cancelled';

/** Extra details an {@link AuthError} may carry. */
export interface AuthErrorDetails {
  /** The OAuth `error` value from the server (e.g. `access_denied`, `invalid_grant`). */
  error?: string | undefined;
  /** The OAuth `error_description` from the server. */
  errorDescription?: string | undefined;
  /** HTTP status of the response that failed, when there was one. */
  status?: number | undefined;
  /** The underlying error. */
  cause?: unknown;
  /** A failed callback's: where its login was to land, so "Try again" can keep it. */
  returnTo?: string | undefined;
}

/**
 * The one error type pkce-auth throws or puts in `AuthState.error`.
 *
 * Switch on `code` (a closed union); show `message` to people: it says what to do.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;
  // `declare`d: set only when given (below), and no class-field code is emitted for them.
  declare readonly error?: string;
  declare readonly errorDescription?: string;
  declare readonly status?: number;
  declare readonly cause?: unknown;
  declare readonly returnTo?: string;

  constructor(code: AuthErrorCode, message: string, details: AuthErrorDetails = {}) {
    super(message);
    this.code = code;
    for (const [key, value] of Object.entries(details)) if (value !== undefined) (this as Record<string, unknown>)[key] = value;
  }
}

/** Whether `value` is an {@link AuthError} (optionally of one `code`). */
export function isAuthError(value: unknown, code?: AuthErrorCode): value is AuthError {
  return value instanceof AuthError && (code === undefined || value.code === code);
}
