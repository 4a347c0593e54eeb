import { calculateJwkThumbprint, decodeProtectedHeader } from 'jose';

/**
 * The RFC 7638 SHA-256 thumbprint of the key that signs this browser's DPoP proofs, from the `DPoP`
 * proof among `headers` (as `auth.getAuthHeaders()` returns them): its protected header carries
 * the public key (`jwk`), and a DPoP-bound access token names the same thumbprint as `cnf.jkt`.
 * `null` when there is no proof (Bearer).
 */
export async function proofKeyThumbprint(headers: Record<string, string>): Promise<string | null> {
  const proof = Object.entries(headers).find(([name]) => name.toLowerCase() === 'dpop')?.[1];
  if (!proof) return null;
  const { jwk } = decodeProtectedHeader(proof);
  if (!jwk) throw new Error('the DPoP proof has no jwk in its protected header');
  return calculateJwkThumbprint(jwk, 'sha256');
}
