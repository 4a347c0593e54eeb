/**
 * A test-only token issuer: signs access tokens with any claims (e.g. without `sub`, which
 * oidc-provider never leaves out) and serves their key as a JWKS for the notes API's `jwksUrl`;
 * and `withApi`, a notes API trusting such an issuer for the length of a test.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { createNotesApi } from '../notesApi.mjs';
import type { NotesApi, NotesApiOptions } from '../notesApi.mjs';

export interface TestIssuer {
  issuer: string;
  /** The `aud` of the tokens it signs. */
  audience: string;
  jwksUrl: string;
  /** An RS256 `at+jwt` with this issuer, the audience, a 5-minute lifetime and `claims`. */
  sign(claims: JWTPayload): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestIssuer(audience: string): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] });
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = 'https://issuer.test';
  return {
    issuer,
    audience,
    jwksUrl: `http://127.0.0.1:${port}/jwks`,
    sign: (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * Runs `run` with a notes API (port 0) trusting `issuer`'s tokens and keys, with `options` on top,
 * and stops it afterwards. Given an audience instead of an issuer, starts a test issuer for it
 * first and stops that too.
 */
export async function withApi<T>(
  issuer: TestIssuer | string,
  options: Partial<NotesApiOptions>,
  run: (api: NotesApi, issuer: TestIssuer) => Promise<T>,
): Promise<T> {
  const own = typeof issuer === 'string' ? await startTestIssuer(issuer) : undefined;
  const trusted = own ?? (issuer as TestIssuer);
  try {
    const api = await createNotesApi({ issuer: trusted.issuer, jwksUrl: trusted.jwksUrl, audience: trusted.audience, port: 0, ...options });
    try {
      return await run(api, trusted);
    } finally {
      await api.stop();
    }
  } finally {
    await own?.stop();
  }
}
