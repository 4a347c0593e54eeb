/**
 * A test-only token issuer: signs access tokens with any claims (e.g. without `sub`, which
 * oidc-provider never leaves out) and serves their key as a JWKS for the notes API's `jwksUrl`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export interface TestIssuer {
  issuer: string;
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
