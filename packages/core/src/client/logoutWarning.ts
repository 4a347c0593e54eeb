import { AuthError, type AuthErrorCode } from '../errors.js';
import { isObject, isString } from '../objects.js';
import type { ClientConfig } from './options.js';

/**
 * The codes a failed server-side logout reports (see logout.ts): anything else read back is not
 * ours and is dropped.
 */
const CODES: readonly AuthErrorCode[] = ['network_error', 'token_error', 'revocation_refused', 'invalid_token_response', 'discovery_failed', 'issuer_mismatch', 'invalid_config'];

const keyOf = (config: ClientConfig): string => `${config.prefix}:logout-warning`;

/**
 * Keeps a logout's warning ("the server did not revoke…") across the navigation to the
 * end-session endpoint, in this tab's storage, so the page the person comes back to can show
 * it. Only its text and code are kept: nothing in it decides where a request goes.
 */
export function keepLogoutWarning(config: ClientConfig, error: AuthError): void {
  const { code, message, error: oauthError, status } = error;
  config.storage.pending.setItem(keyOf(config), JSON.stringify({ code, message, error: oauthError, status }));
}

/** The warning a logout on this tab left before leaving, once (it is deleted as it is read). */
export function takeLogoutWarning(config: ClientConfig): AuthError | undefined {
  const raw = config.storage.pending.getItem(keyOf(config));
  if (raw === null) return undefined;
  config.storage.pending.removeItem(keyOf(config));
  let left: unknown;
  try {
    left = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isObject(left) || !CODES.includes(left.code as AuthErrorCode) || !isString(left.message)) return undefined;
  const status = typeof left.status === 'number' ? left.status : undefined;
  return new AuthError(left.code as AuthErrorCode, left.message, { error: isString(left.error) ? left.error : undefined, status });
}
