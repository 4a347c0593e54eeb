/** The RFC 7636 unreserved characters a code verifier is made of. */
const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
// 198 = 3 * 66 is the largest multiple of the alphabet size below 256: bytes at or above it are
// rejected so that every character is equally likely (no modulo bias).
const REJECT_AT = Math.floor(256 / UNRESERVED.length) * UNRESERVED.length;

/**
 * A random PKCE `code_verifier` of `length` unreserved characters drawn with
 * `crypto.getRandomValues` and rejection sampling.
 *
 * @param length - 43 to 128; default 64.
 * @throws RangeError when `length` is outside 43..128 or not an integer.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export function createCodeVerifier(length = 64): string {
  if (!Number.isInteger(length) || length < 43 || length > 128) {
    throw new RangeError(`code verifier length must be 43..128, got ${String(length)}`);
  }
  let out = '';
  const bytes = new Uint8Array(length * 2);
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      if (byte < REJECT_AT) {
        out += UNRESERVED[byte % UNRESERVED.length];
        if (out.length === length) break;
      }
    }
  }
  return out;
}

/**
 * The S256 `code_challenge` of a verifier: BASE64URL(SHA-256(ASCII(verifier))), without padding.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export async function createCodeChallenge(verifier: string): Promise<string> {
  if (typeof verifier !== 'string' || !/^[A-Za-z0-9._~-]*$/.test(verifier)) {
    throw new TypeError('code verifier must be [A-Za-z0-9-._~]*');
  }
  // Wrapping the digest in a Uint8Array of this realm keeps it working where ArrayBuffer checks
  // cross realms (jsdom test environments), unlike instanceof-based encoders.
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A PKCE verifier with its S256 challenge. */
export interface PkcePair {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/**
 * A fresh verifier and its S256 challenge.
 *
 * @param length - verifier length, 43 to 128; default 64.
 * @see https://www.rfc-editor.org/rfc/rfc7636
 */
export async function createPkcePair(length?: number): Promise<PkcePair> {
  const verifier = createCodeVerifier(length);
  return { verifier, challenge: await createCodeChallenge(verifier), method: 'S256' };
}
