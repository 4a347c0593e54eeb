// Access-token checks shared by the example's resource servers (the notes API, the tags API): a JWT
// access token verified with `jose` against the issuer's JWKS (issuer, audience, typ, lifetime), and,
// for a token bound to a key (`cnf.jkt`, RFC 9449), its DPoP proof (signature by that key, typ, iat
// window, jti replay, htm, htu against the API's public origin, ath, the API's own rotating nonce).
// Every refusal is an HttpError with the RFC 6750 / RFC 9449 challenge of the scheme the client used.
// Plain ESM + JSDoc so `node` runs it without a build step; types in accessTokens.d.mts.
import { createHash, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, createRemoteJWKSet, EmbeddedJWK, errors as joseErrors, jwtVerify } from 'jose';

/** @typedef {import('./accessTokens.d.mts').AccessTokenVerifierOptions} AccessTokenVerifierOptions */
/** @typedef {import('./accessTokens.d.mts').AccessTokenVerifier} AccessTokenVerifier */
/** @typedef {import('./accessTokens.d.mts').Caller} Caller */
/** @typedef {import('./accessTokens.d.mts').Scheme} Scheme */

/** Asymmetric algorithms accepted for DPoP proofs, announced in the challenge's `algs`. */
export const DPOP_ALGS = ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256', 'RS256'];

export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} error
   * @param {string} description
   * @param {Record<string, string>} [headers]
   */
  constructor(status, error, description, headers = {}) {
    super(description);
    this.status = status;
    this.error = error;
    this.headers = headers;
  }
}

/** @param {string} value */
const quote = (value) => `"${value.replace(/["\\]/g, '')}"`;

/**
 * A `WWW-Authenticate` challenge of the scheme the client used; a DPoP one names the accepted `algs`.
 * @param {Scheme} scheme
 * @param {string} params
 */
const challenge = (scheme, params) => (scheme === 'DPoP' ? `DPoP ${params}, algs="${DPOP_ALGS.join(' ')}"` : `Bearer ${params}`);

/** The bare DPoP challenge sent next to a Bearer one, so a client learns the API takes DPoP (RFC 9449 §7.1). */
const DPOP_OFFER = `DPoP algs="${DPOP_ALGS.join(' ')}"`;

/** RFC 6750 §3: a request without a token gets bare challenges, no error code: Bearer, and DPoP with its algs. */
const missingToken = () =>
  new HttpError(401, 'unauthorized', 'an access token is required (Authorization: Bearer or DPoP …)', {
    'WWW-Authenticate': `Bearer, ${DPOP_OFFER}`,
  });

/**
 * @param {string} description
 * @param {Scheme} [scheme]
 * @param {{ offerDpop?: boolean }} [options] `offerDpop`: add the DPoP challenge after the Bearer one.
 */
const invalidToken = (description, scheme = 'Bearer', { offerDpop = false } = {}) =>
  new HttpError(401, 'invalid_token', description, {
    'WWW-Authenticate': `${challenge(scheme, `error="invalid_token", error_description=${quote(description)}`)}${offerDpop && scheme === 'Bearer' ? `, ${DPOP_OFFER}` : ''}`,
  });

/** RFC 9449 §7.1: the DPoP proof is missing, invalid, or not bound to the token. @param {string} description */
const invalidProof = (description) =>
  new HttpError(401, 'invalid_dpop_proof', description, {
    'WWW-Authenticate': challenge('DPoP', `error="invalid_dpop_proof", error_description=${quote(description)}`),
  });

/** RFC 9449 §9: retry with the nonce in the response's `DPoP-Nonce` header. @param {string} description */
const useDpopNonce = (description) =>
  new HttpError(401, 'use_dpop_nonce', description, {
    'WWW-Authenticate': challenge('DPoP', `error="use_dpop_nonce", error_description=${quote(description)}`),
  });

/**
 * 403 `insufficient_scope` unless the caller's token carries `scope`.
 * @param {Pick<Caller, 'scheme' | 'scopes'>} who
 * @param {string} scope
 */
export function requireScope(who, scope) {
  if (!who.scopes.has(scope)) {
    throw new HttpError(403, 'insufficient_scope', `this request needs the scope ${scope}`, {
      'WWW-Authenticate': challenge(who.scheme, `error="insufficient_scope", scope=${quote(scope)}`),
    });
  }
}

/**
 * The person the token speaks for (`sub`): 401 without one, 403 `person_required` for a machine's token.
 * @param {Pick<Caller, 'scheme' | 'sub' | 'clientId'>} who
 * @param {string} what what needs a person, for the refusal (e.g. `personal notes`)
 * @returns {string}
 */
export function personOf(who, what) {
  if (!who.sub) throw invalidToken(`the access token has no sub claim naming a person; ${what} need one`, who.scheme);
  // A Client Credentials token speaks for a machine: oidc-provider (RFC 9068 §2.2) sets its sub to the client id.
  if (who.sub === who.clientId) {
    throw new HttpError(403, 'person_required', `this token was issued to a machine client; ${what} need a person's token`);
  }
  return who.sub;
}

/** A proof's `htu` and the request's URL compare without query and fragment (RFC 9449 §4.3). @param {string} url */
const normalizeHtu = (url) => {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  return u.href;
};

/**
 * The scopes of a token: `scope` (RFC 9068, space-separated) or `scp` (Entra ID, Okta: string or array).
 * @param {Record<string, unknown>} payload
 * @returns {Set<string>}
 */
function scopesOf(payload) {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return new Set(raw.split(' ').filter(Boolean));
  if (Array.isArray(raw)) return new Set(raw.filter((s) => typeof s === 'string'));
  return new Set();
}

/**
 * The checks of one resource server: its issuer's keys, its audience, its DPoP nonce and replay cache.
 * @param {AccessTokenVerifierOptions} options
 * @returns {AccessTokenVerifier}
 */
export function createAccessTokenVerifier(options) {
  const { issuer, audience, name, publicOrigin } = options;
  const tokenType = options.tokenType === undefined ? 'at+jwt' : options.tokenType;
  const clockTolerance = options.clockTolerance ?? 0;
  const log = options.log ?? (() => {});
  const dpopMaxAge = options.dpopMaxAge ?? 300;
  const nonceLifetimeMs = (options.dpopNonceLifetime ?? 300) * 1000;
  const replayCacheSize = options.dpopReplayCacheSize ?? 10_000;

  /** @type {ReturnType<typeof createRemoteJWKSet> | undefined} */
  let jwks;
  /** @type {Promise<ReturnType<typeof createRemoteJWKSet>> | undefined} */
  let jwksPending;
  // Resolved on first use (and retried after a failure) so the API may start before the issuer.
  const getJwks = () => {
    if (jwks) return Promise.resolve(jwks);
    jwksPending ??= (async () => {
      let url = options.jwksUrl;
      if (!url) {
        const discoveryUrl = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
        const res = await fetch(discoveryUrl, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) throw new Error(`discovery at ${discoveryUrl} answered HTTP ${res.status}`);
        const meta = /** @type {{ issuer?: unknown, jwks_uri?: unknown }} */ (await res.json());
        if (meta.issuer !== issuer) throw new Error(`discovery issuer ${String(meta.issuer)} is not ${issuer}`);
        if (typeof meta.jwks_uri !== 'string') throw new Error('discovery has no jwks_uri');
        url = meta.jwks_uri;
      }
      jwks = createRemoteJWKSet(new URL(url));
      return jwks;
    })().finally(() => {
      jwksPending = undefined;
    });
    return jwksPending;
  };

  // The API's own DPoP nonce (RFC 9449 §9): replaced every nonceLifetime; the previous one stays
  // valid for one more lifetime so a client holding it while the nonce turns is not refused.
  const newNonce = () => randomBytes(16).toString('base64url');
  const nonces = { current: newNonce(), previous: /** @type {string | undefined} */ (undefined), since: Date.now() };
  const currentNonce = () => {
    const elapsed = Date.now() - nonces.since;
    if (elapsed >= nonceLifetimeMs) {
      nonces.previous = elapsed < 2 * nonceLifetimeMs ? nonces.current : undefined;
      nonces.current = newNonce();
      nonces.since = Date.now();
    }
    return nonces.current;
  };
  /** @param {unknown} nonce */
  const nonceAccepted = (nonce) => typeof nonce === 'string' && (nonce === currentNonce() || nonce === nonces.previous);

  // Proofs already used (key thumbprint + jti), each kept as long as its iat could still pass the
  // window. Inserted with a growing expiry, so the oldest are first; a full cache refuses new
  // proofs (503) rather than forget one that could be replayed.
  /** @type {Map<string, number>} */
  const seenProofs = new Map();
  /** @param {string} key */
  const rememberProof = (key) => {
    const now = Date.now();
    for (const [k, until] of seenProofs) {
      if (until > now) break;
      seenProofs.delete(k);
    }
    if (seenProofs.has(key)) return false;
    if (seenProofs.size >= replayCacheSize) {
      log(`${name}: ${seenProofs.size} DPoP proofs in the replay window; refusing new ones until some expire`);
      throw new HttpError(503, 'temporarily_unavailable', 'too many DPoP proofs in the replay window; retry shortly', { 'Retry-After': '1' });
    }
    seenProofs.set(key, now + (dpopMaxAge + 2 * clockTolerance) * 1000);
    return true;
  };

  /**
   * The DPoP proof of a request presenting `token` bound to the key with thumbprint `jkt` (RFC 9449
   * §4.3, §7.1): signature with its embedded public key, typ, iat window, jti, htm, htu, ath, key
   * binding (jose: jwtVerify + EmbeddedJWK, calculateJwkThumbprint), then this API's nonce and replay.
   * @param {import('node:http').IncomingMessage} req
   * @param {string} token
   * @param {string} jkt
   */
  async function verifyProof(req, token, jkt) {
    const proof = req.headers.dpop;
    if (typeof proof !== 'string' || !proof) throw invalidProof('a DPoP proof is required (the DPoP header)');
    if (proof.includes(',')) throw invalidProof('send exactly one DPoP header');
    /** @type {import('jose').JWTVerifyResult} */
    let verified;
    try {
      verified = await jwtVerify(proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: DPOP_ALGS,
        maxTokenAge: dpopMaxAge,
        clockTolerance,
        requiredClaims: ['jti', 'htm', 'htu', 'ath'],
      });
    } catch (err) {
      if (err instanceof joseErrors.JWTClaimValidationFailed || err instanceof joseErrors.JWTExpired) {
        if (err.claim === 'iat' && err.reason !== 'missing') throw invalidProof(`the DPoP proof's iat is not within ${dpopMaxAge} s of now`);
        throw invalidProof(`the DPoP proof's ${err.claim} is not accepted (${err.reason})`);
      }
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw invalidProof('the DPoP proof signature is invalid');
      if (err instanceof joseErrors.JOSEAlgNotAllowed) throw invalidProof(`the DPoP proof must be signed with one of ${DPOP_ALGS.join(', ')}`);
      throw invalidProof('the DPoP proof is malformed');
    }
    const { payload, protectedHeader } = verified;
    if (typeof payload.jti !== 'string' || !payload.jti || payload.jti.length > 256) throw invalidProof('the DPoP proof needs a jti string');
    if (payload.htm !== req.method) throw invalidProof(`the DPoP proof is for the method ${String(payload.htm)}, not ${req.method}`);
    const url = new URL(req.url ?? '/', 'http://api.invalid');
    const expectedHtu = normalizeHtu(`${publicOrigin()}${url.pathname}`);
    let htu;
    try {
      htu = typeof payload.htu === 'string' ? normalizeHtu(payload.htu) : undefined;
    } catch {
      htu = undefined;
    }
    if (htu !== expectedHtu) throw invalidProof(`the DPoP proof's htu is not ${expectedHtu}`);
    if (payload.ath !== createHash('sha256').update(token).digest('base64url')) {
      throw invalidProof("the DPoP proof's ath is not the hash of this access token");
    }
    if (!protectedHeader.jwk || (await calculateJwkThumbprint(protectedHeader.jwk, 'sha256')) !== jkt) {
      throw invalidProof('the DPoP proof is signed by another key than the one the access token is bound to (cnf.jkt)');
    }
    if (!nonceAccepted(payload.nonce)) {
      throw useDpopNonce(
        payload.nonce === undefined ? 'the DPoP proof needs the nonce in the DPoP-Nonce header' : 'the DPoP proof nonce is no longer valid; use the one in the DPoP-Nonce header',
      );
    }
    if (!rememberProof(`${jkt}.${payload.jti}`)) throw invalidProof('this DPoP proof was already used (its jti is replayed)');
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @returns {Promise<Caller>}
   */
  async function authenticate(req) {
    const header = req.headers.authorization;
    if (!header) throw missingToken();
    const match = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
    if (!match?.[1] || !match[2]) {
      const named = /^(Bearer|DPoP)\b/i.exec(header)?.[1];
      if (!named) throw missingToken();
      throw new HttpError(400, 'invalid_request', 'malformed Authorization header', {
        'WWW-Authenticate': challenge(named.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', 'error="invalid_request"'),
      });
    }
    /** @type {Scheme} */
    const scheme = match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = match[2];
    const payload = await verifyAccessToken(token, scheme);
    const cnf = /** @type {{ jkt?: unknown } | undefined} */ (payload.cnf);
    if (scheme === 'Bearer' && cnf !== undefined) {
      // RFC 9449 §7.2: a sender-constrained token must not be accepted as a bearer token. A DPoP-bound
      // one also gets the DPoP challenge (§7.1), the scheme it must come with.
      if (typeof cnf?.jkt === 'string') {
        throw invalidToken('this access token is bound to a DPoP key; send it as Authorization: DPoP with a DPoP proof', 'Bearer', { offerDpop: true });
      }
      throw invalidToken('this access token is sender-constrained (cnf) in a way this API cannot check');
    }
    if (scheme === 'DPoP') {
      if (typeof cnf?.jkt !== 'string') throw invalidToken('this access token is not bound to a DPoP key (no cnf.jkt); send it as Authorization: Bearer', 'DPoP');
      await verifyProof(req, token, cnf.jkt);
    }
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : typeof payload.azp === 'string' ? payload.azp : undefined;
    const sub = typeof payload.sub === 'string' && payload.sub ? payload.sub : undefined;
    return { scheme, sub, clientId, scopes: scopesOf(payload), payload };
  }

  /**
   * The access token itself, whatever the scheme: signature against the issuer's JWKS, iss, aud, typ, exp.
   * @param {string} token
   * @param {Scheme} scheme
   * @returns {Promise<Record<string, unknown>>}
   */
  async function verifyAccessToken(token, scheme) {
    let keySet;
    try {
      keySet = await getJwks();
    } catch (err) {
      log(`${name}: cannot load the issuer's keys: ${/** @type {Error} */ (err).message}`);
      throw new HttpError(503, 'temporarily_unavailable', 'the authorization server keys cannot be loaded');
    }
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer,
        ...(audience ? { audience } : {}),
        ...(tokenType ? { typ: tokenType } : {}),
        clockTolerance,
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw invalidToken('the access token expired', scheme);
      if (err instanceof joseErrors.JWKSTimeout || (err instanceof Error && !(err instanceof joseErrors.JOSEError))) {
        log(`${name}: cannot fetch the issuer's JWKS: ${String(err)}`);
        throw new HttpError(503, 'temporarily_unavailable', 'the authorization server keys cannot be loaded');
      }
      if (err instanceof joseErrors.JWTClaimValidationFailed) {
        // A token for another API is the usual mistake (a missing or wrong `resource`): say which audience this one takes.
        const expected = err.claim === 'aud' && audience ? `; this API takes tokens for ${audience}` : '';
        throw invalidToken(`the access token's ${err.claim} claim is not accepted (${err.reason})${expected}`, scheme);
      }
      if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey) {
        throw invalidToken('the access token signature is invalid', scheme);
      }
      throw invalidToken('the access token is malformed or not accepted', scheme);
    }
  }

  return { authenticate, currentNonce };
}
