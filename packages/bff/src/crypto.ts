import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { AuthError } from '@pkce-auth/core';

/** The keys derived from `secret`, one per purpose, so no key serves two jobs. */
export interface Keys {
  /** AES-256-GCM key of the session data in the store. */
  session: Buffer;
  /** AES-256-GCM key of the pending-login cookie. */
  login: Buffer;
  /** HMAC-SHA-256 key that turns ids (session id, `sid`, `sub`, `state`, `jti`) into store keys. */
  ids: Buffer;
}

const MIN_SECRET_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;

/**
 * Derives the {@link Keys} from `secret` with HKDF-SHA-256 (RFC 5869), one `info` per key; every
 * instance given the same secret derives the same keys.
 *
 * @throws AuthError `invalid_config` when `secret` is not a string or bytes of at least 32 bytes.
 */
export function deriveKeys(secret: unknown): Keys {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret instanceof Uint8Array ? Buffer.from(secret) : undefined;
  if (!bytes || bytes.length < MIN_SECRET_BYTES) {
    throw new AuthError(
      'invalid_config',
      `\`secret\` must be a string or bytes of at least ${MIN_SECRET_BYTES} bytes (got ${bytes ? `${bytes.length} bytes` : typeof secret}); generate one with \`openssl rand -base64 48\``,
    );
  }
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', bytes, 'pkce-auth/bff', info, 32));
  return { session: derive('session data v1'), login: derive('pending login v1'), ids: derive('store ids v1') };
}

/** A fresh random id of `bytes` bytes (default 32: 256 bits), base64url. */
export function randomId(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** HMAC-SHA-256 of `value` under `key`, base64url: store keys that reveal nothing of the id. */
export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('base64url');
}

/**
 * Encrypts `plaintext` with AES-256-GCM under `key`, bound to `context` (additional data), so a
 * value sealed for one key or purpose does not open for another. Format: base64url of
 * version ‖ IV ‖ tag ‖ ciphertext.
 */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Decrypts what {@link seal} made for `context`; undefined when it is malformed, tampered with or for another context. */
export function open(key: Buffer, sealed: string, context: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(sealed)) return undefined;
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
