/**
 * A test-only DPoP client (RFC 9449) built with jose: a key pair, its thumbprint for an access
 * token's `cnf.jkt`, and proofs with any claims or header changed, to show the notes API refusing
 * each broken one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface ProofOptions {
  /** The token the proof goes with: gives `ath`. */
  accessToken?: string;
  nonce?: string;
  /** Claims added or replaced (`iat`, `jti`, `ath`, …); `undefined` leaves one out. */
  claims?: Record<string, unknown>;
  /** The `typ` header. Default `dpop+jwt`. */
  typ?: string;
  /** Signs with this private key while the header still embeds this key's public JWK. */
  signingKey?: CryptoKey;
}

export interface DpopKey {
  /** The JWK SHA-256 thumbprint (RFC 7638), the token's `cnf.jkt`. */
  jkt: string;
  jwk: JWK;
  privateKey: CryptoKey;
  /** A proof for `htm` `htu` signed with this key. */
  proof(htm: string, htu: string, options?: ProofOptions): Promise<string>;
}

export const ath = (accessToken: string): string => createHash('sha256').update(accessToken).digest('base64url');

export async function dpopKey(): Promise<DpopKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  return {
    jkt,
    jwk,
    privateKey,
    proof(htm, htu, options = {}) {
      const claims: Record<string, unknown> = {
        htm,
        htu,
        jti: randomUUID(),
        iat: Math.floor(Date.now() / 1000),
        ...(options.accessToken ? { ath: ath(options.accessToken) } : {}),
        ...(options.nonce ? { nonce: options.nonce } : {}),
        ...options.claims,
      };
      for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: options.typ ?? 'dpop+jwt', jwk })
        .sign(options.signingKey ?? privateKey);
    },
  };
}
