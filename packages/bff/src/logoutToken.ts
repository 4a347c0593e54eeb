import { tenantIssuer } from '@pkce-auth/core';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { keyedHash } from './crypto.js';
import { serverMetadata } from './metadata.js';
import type { BffConfig } from './options.js';
import { HttpError } from './responses.js';

/** The event a logout token must carry. @see https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** A logout token older than this (by `iat`) is refused; its `jti` is remembered as long. */
const MAX_AGE_SECONDS = 600;
const CLOCK_TOLERANCE_SECONDS = 60;

/** Whose sessions a verified logout token ends: an OpenID Provider session, a subject, or both. */
export interface LogoutSubject {
  sid?: string;
  sub?: string;
}

const refuse = (message: string) => new HttpError(400, 'invalid_request', `the logout token is refused: ${message}`);

/** The claim checks jose leaves to the relying party (OIDC Back-Channel Logout 1.0 §2.6). */
function checkClaims(payload: JWTPayload, typ: string | undefined): LogoutSubject {
  if (typ !== undefined && !['logout+jwt', 'application/logout+jwt'].includes(typ.toLowerCase())) throw refuse(`typ is ${JSON.stringify(typ)}, not logout+jwt`);
  const events = payload.events as Record<string, unknown> | undefined;
  const event = typeof events === 'object' && events !== null ? events[BACKCHANNEL_LOGOUT_EVENT] : undefined;
  if (typeof event !== 'object' || event === null) throw refuse(`events must contain ${BACKCHANNEL_LOGOUT_EVENT}`);
  if ('nonce' in payload) throw refuse('it must not carry a nonce (is it an ID token?)');
  if (typeof payload.jti !== 'string' || !payload.jti) throw refuse('jti must be a non-empty string');
  const { sid, sub } = payload as { sid?: unknown; sub?: unknown };
  if ((sid !== undefined && typeof sid !== 'string') || (sub !== undefined && typeof sub !== 'string') || (!sid && !sub)) {
    throw refuse('it must carry sid or sub (strings)');
  }
  return { ...(sid ? { sid: sid as string } : {}), ...(sub ? { sub: sub as string } : {}) };
}

/**
 * With a multi-tenant issuer template, the `iss` a token must carry: the template filled with
 * the token's own `tid` (as the core checks ID tokens; jose knows only fixed issuers).
 */
function checkTenantIssuer(payload: JWTPayload, template: string): void {
  const expected = tenantIssuer(template, payload.tid);
  if (!expected) throw refuse(`its tid must name the tenant (the issuer is the template ${template})`);
  if (payload.iss !== expected) throw refuse(`iss is ${JSON.stringify(payload.iss)}, not ${expected} (the issuer of its tenant)`);
}

/** The signature algorithms to accept: the server's ID-token ones that are asymmetric, else RS256. */
function algorithms(advertised: string[] | undefined): string[] {
  const asymmetric = (advertised ?? []).filter((alg) => /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/.test(alg));
  return asymmetric.length ? asymmetric : ['RS256'];
}

/**
 * A verifier of back-channel logout tokens: signature against the issuer's JWKS (fetched with
 * jose, cached), `iss` (with an issuer template: its tenant's), `aud` = client id, `iat` within
 * 10 minutes, `typ`, `events`, no `nonce`, `sid` or `sub`, and `jti` used once (remembered in
 * the store, across instances).
 *
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation
 */
export function logoutTokenVerifier(config: BffConfig): (token: string) => Promise<LogoutSubject> {
  let jwks: { uri: string; set: ReturnType<typeof createRemoteJWKSet> } | undefined;
  return async (token) => {
    const meta = await serverMetadata(config);
    const template = config.client.issuerTemplate;
    if (!meta.jwks_uri) throw refuse(`${config.client.issuer} advertises no jwks_uri to verify it with`);
    if (jwks?.uri !== meta.jwks_uri) jwks = { uri: meta.jwks_uri, set: createRemoteJWKSet(new URL(meta.jwks_uri)) };
    let verified: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      verified = await jwtVerify(token, jwks.set, {
        ...(template ? {} : { issuer: config.client.issuer }),
        audience: config.client.clientId,
        algorithms: algorithms(meta.id_token_signing_alg_values_supported),
        requiredClaims: ['iat', 'jti', 'events'],
        maxTokenAge: MAX_AGE_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
    } catch (error) {
      // The JWKS could not be fetched: the BFF's trouble, not a bad token.
      if (error instanceof errors.JWKSTimeout || error instanceof TypeError) throw new HttpError(502, 'jwks_unavailable', `could not fetch ${meta.jwks_uri} to verify the logout token`);
      throw refuse(error instanceof Error ? error.message : String(error));
    }
    if (template) checkTenantIssuer(verified.payload, template);
    const subject = checkClaims(verified.payload, verified.protectedHeader.typ);
    const ttl = (MAX_AGE_SECONDS + 2 * CLOCK_TOLERANCE_SECONDS) * 1000;
    if (!(await config.store.set(`jti:${keyedHash(config.keys.ids, verified.payload.jti as string)}`, '1', ttl, 'absent'))) throw refuse('its jti was already used');
    return subject;
  };
}
