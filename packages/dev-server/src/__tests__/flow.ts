/** Test helpers: raw authorization and token requests and JWT checks against the dev server. */
import { createRemoteJWKSet, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';

/** The S256 challenge of RFC 7636's example verifier; these requests never redeem a code. */
const PKCE_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** A front-channel `/auth` URL for notes-spa (scope `openid`, PKCE S256); `params` override or add. */
export function authorizationUrl(issuer: string, params: Record<string, string> = {}): string {
  return `${issuer}/auth?${new URLSearchParams({
    client_id: 'notes-spa',
    response_type: 'code',
    redirect_uri: 'http://localhost:5173/callback',
    scope: 'openid',
    code_challenge: PKCE_CHALLENGE,
    code_challenge_method: 'S256',
    ...params,
  })}`;
}

export async function tokenRequest(
  issuer: string,
  body: Record<string, string>,
  auth?: { clientId: string; clientSecret: string },
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers['authorization'] = `Basic ${Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64')}`;
  const res = await fetch(`${issuer}/token`, { method: 'POST', headers, body: new URLSearchParams(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Verifies an RS256 JWT (signature, `iss`, `exp`) against the issuer's JWKS with jose. */
export async function verifyJwt(issuer: string, jwt: string): Promise<{ header: JWTHeaderParameters; payload: JWTPayload }> {
  const { jwks_uri } = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
  const { protectedHeader, payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(jwks_uri)), { issuer, algorithms: ['RS256'] });
  return { header: protectedHeader, payload };
}
