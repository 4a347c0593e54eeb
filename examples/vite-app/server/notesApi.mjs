// The Notes API: the example's Resource Server. It accepts only access tokens issued by the
// authorization server for it (a JWT checked with `jose` against the issuer's JWKS, its issuer,
// audience and lifetime) and enforces the scopes `notes:read` / `notes:write` on a person's own
// notes (the token's `sub`), and `notes:export` plus an allow-listed client on the export of all.
// DPoP (RFC 9449): a token bound to a key (`cnf.jkt`) is accepted only as `Authorization: DPoP` with a
// proof signed by that key for this method and URL, carrying this API's current nonce and an unused jti.
// Plain ESM + JSDoc so `node` runs it without a build step; types in notesApi.d.mts.
import { createServer } from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, createRemoteJWKSet, EmbeddedJWK, errors as joseErrors, jwtVerify } from 'jose';

/** @typedef {import('./notesApi.d.mts').NotesApiOptions} NotesApiOptions */
/** @typedef {import('./notesApi.d.mts').NotesApi} NotesApi */
/** @typedef {import('./notesApi.d.mts').Note} Note */

const MAX_TEXT = 1000;
const MAX_BODY = 16 * 1024;
/** Asymmetric algorithms accepted for DPoP proofs, announced in the challenge's `algs`. */
export const DPOP_ALGS = ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256', 'RS256'];

class HttpError extends Error {
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

/** @typedef {'Bearer' | 'DPoP'} Scheme */

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
 * @param {string} scope
 * @param {Scheme} [scheme]
 */
const insufficientScope = (scope, scheme = 'Bearer') =>
  new HttpError(403, 'insufficient_scope', `this request needs the scope ${scope}`, {
    'WWW-Authenticate': challenge(scheme, `error="insufficient_scope", scope=${quote(scope)}`),
  });

/** A proof's `htu` and the request's URL compare without query and fragment (RFC 9449 §4.3). @param {string} url */
const normalizeHtu = (url) => {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  return u.href;
};

/**
 * `publicOrigin` as an origin. The API serves its routes at the root, so a path (or query, fragment,
 * credentials) would be dropped from every expected `htu`: refused rather than silently ignored.
 * @param {string} value
 */
function originOnly(value) {
  let u;
  try {
    u = new URL(value);
  } catch {
    u = undefined;
  }
  if (!u || u.origin === 'null' || u.href !== `${u.origin}/`) {
    throw new TypeError(`createNotesApi: \`publicOrigin\` must be an origin (scheme://host[:port], no path, query or fragment); got ${JSON.stringify(value)}`);
  }
  return u.origin;
}

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
 * Starts the Notes API.
 * @param {NotesApiOptions} options
 * @returns {Promise<NotesApi>}
 */
export async function createNotesApi(options) {
  if (!options || typeof options.issuer !== 'string' || !options.issuer) {
    throw new TypeError('createNotesApi: `issuer` is required');
  }
  const issuer = options.issuer;
  const audience = options.audience === undefined ? 'http://localhost:4001' : options.audience;
  const readScope = options.readScope ?? 'notes:read';
  const writeScope = options.writeScope ?? 'notes:write';
  const exportScope = options.exportScope ?? 'notes:export';
  const exportClients = new Set(options.exportClients ?? ['notes-machine']);
  const tokenType = options.tokenType === undefined ? 'at+jwt' : options.tokenType;
  const clockTolerance = options.clockTolerance ?? 0;
  const host = options.host ?? '127.0.0.1';
  const allowedOrigins = new Set((options.allowedOrigins ?? ['http://localhost:5173', 'http://127.0.0.1:5173']).map((o) => new URL(o).origin));
  const log = options.log ?? (() => {});
  // The URL clients sign as `htu` comes from configuration, never from the request's Host header.
  const configuredOrigin = options.publicOrigin === undefined ? undefined : originOnly(options.publicOrigin);
  const dpopMaxAge = options.dpopMaxAge ?? 300;
  const nonceLifetimeMs = (options.dpopNonceLifetime ?? 300) * 1000;
  const replayCacheSize = options.dpopReplayCacheSize ?? 10_000;

  /** @type {Map<string, Note[]>} notes per `sub` */
  const notesBySub = new Map();

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
      log(`notes API: ${seenProofs.size} DPoP proofs in the replay window; refusing new ones until some expire`);
      throw new HttpError(503, 'temporarily_unavailable', 'too many DPoP proofs in the replay window; retry shortly', { 'Retry-After': '1' });
    }
    seenProofs.set(key, now + (dpopMaxAge + 2 * clockTolerance) * 1000);
    return true;
  };

  /** @type {string} set once the server listens */
  let publicOrigin = '';

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
    const url = new URL(req.url ?? '/', 'http://notes.invalid');
    const expectedHtu = normalizeHtu(`${publicOrigin}${url.pathname}`);
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
   * @returns {Promise<{ scheme: Scheme, sub: string | undefined, clientId: string | undefined, scopes: Set<string>, payload: Record<string, unknown> }>}
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
      log(`notes API: cannot load the issuer's keys: ${/** @type {Error} */ (err).message}`);
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
        log(`notes API: cannot fetch the issuer's JWKS: ${String(err)}`);
        throw new HttpError(503, 'temporarily_unavailable', 'the authorization server keys cannot be loaded');
      }
      if (err instanceof joseErrors.JWTClaimValidationFailed) {
        throw invalidToken(`the access token's ${err.claim} claim is not accepted (${err.reason})`, scheme);
      }
      if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey) {
        throw invalidToken('the access token signature is invalid', scheme);
      }
      throw invalidToken('the access token is malformed or not accepted', scheme);
    }
  }

  /** @param {import('node:http').IncomingMessage} req */
  async function readJson(req) {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) {
      throw new HttpError(415, 'unsupported_media_type', 'send Content-Type: application/json');
    }
    let size = 0;
    /** @type {Buffer[]} */
    const chunks = [];
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY) throw new HttpError(413, 'payload_too_large', `the body exceeds ${MAX_BODY} bytes`);
      chunks.push(chunk);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
    }
  }

  /**
   * @param {{ scheme: Scheme, scopes: Set<string> }} who
   * @param {string} scope
   */
  const requireScope = (who, scope) => {
    if (!who.scopes.has(scope)) throw insufficientScope(scope, who.scheme);
  };

  /**
   * @param {{ scheme: Scheme, sub: string | undefined, clientId: string | undefined }} who
   * @returns {string}
   */
  const personOf = (who) => {
    if (!who.sub) throw invalidToken('the access token has no sub claim naming a person; personal notes need one', who.scheme);
    // A Client Credentials token speaks for a machine: oidc-provider (RFC 9068 §2.2) sets its sub to the client id.
    if (who.sub === who.clientId) {
      throw new HttpError(403, 'person_required', 'this token was issued to a machine client; personal notes need a person\'s token');
    }
    return who.sub;
  };

  /**
   * The export of everyone's notes is for the allow-listed clients only (`client_id` / `azp`).
   * @param {{ clientId: string | undefined }} who
   */
  const requireExportClient = (who) => {
    if (who.clientId && exportClients.has(who.clientId)) return;
    throw new HttpError(403, 'client_not_allowed', `the client ${who.clientId ?? '(none named in the token)'} is not allowed to export notes`);
  };

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function route(req, res) {
    const url = new URL(req.url ?? '/', 'http://notes.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';

    if (path === '/') {
      return send(res, 200, { name: 'notes API', issuer, audience, scopes: [readScope, writeScope, exportScope] });
    }
    if (path === '/notes') {
      if (method === 'GET') {
        const who = await authenticate(req);
        requireScope(who, readScope);
        return send(res, 200, { notes: notesBySub.get(personOf(who)) ?? [] });
      }
      if (method === 'POST') {
        const who = await authenticate(req);
        requireScope(who, writeScope);
        const sub = personOf(who);
        const body = await readJson(req);
        const text = body && typeof body === 'object' ? body.text : undefined;
        if (typeof text !== 'string' || text.trim().length === 0 || text.length > MAX_TEXT) {
          throw new HttpError(400, 'invalid_note', `\`text\` must be a string of 1 to ${MAX_TEXT} characters`);
        }
        /** @type {Note} */
        const note = { id: randomUUID(), text, createdAt: new Date().toISOString() };
        const list = notesBySub.get(sub) ?? [];
        list.push(note);
        notesBySub.set(sub, list);
        return send(res, 201, { note }, { Location: `/notes/${note.id}` });
      }
      throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on /notes`, { Allow: 'GET, POST, OPTIONS' });
    }
    if (path === '/notes/export') {
      if (method !== 'GET') throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on /notes/export`, { Allow: 'GET, OPTIONS' });
      const who = await authenticate(req);
      requireScope(who, exportScope);
      requireExportClient(who);
      const users = [...notesBySub].map(([sub, notes]) => ({ sub, count: notes.length, notes }));
      return send(res, 200, { exportedAt: new Date().toISOString(), total: users.reduce((n, u) => n + u.count, 0), users });
    }
    const one = /^\/notes\/([^/]+)$/.exec(path);
    if (one?.[1]) {
      if (method !== 'DELETE') throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on /notes/:id`, { Allow: 'DELETE, OPTIONS' });
      const who = await authenticate(req);
      requireScope(who, writeScope);
      const list = notesBySub.get(personOf(who)) ?? [];
      const index = list.findIndex((n) => n.id === one[1]);
      if (index === -1) throw new HttpError(404, 'not_found', 'no such note');
      list.splice(index, 1);
      res.statusCode = 204;
      return res.end();
    }
    throw new HttpError(404, 'not_found', `no route for ${method} ${path}`);
  }

  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      // Browser clients may read the challenge (Bearer vs DPoP, error) and DPoP-Nonce for their next proof.
      res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, Location, DPoP-Nonce');
    }
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      if (origin && allowedOrigins.has(origin)) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, DPoP');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.statusCode = 204;
      return res.end();
    }
    // Every answer to a DPoP request, success or refusal, carries the nonce for the next proof.
    if (req.headers.dpop !== undefined || /^DPoP\b/i.test(req.headers.authorization ?? '')) {
      res.setHeader('DPoP-Nonce', currentNonce());
    }
    route(req, res).catch((err) => {
      if (err instanceof HttpError) {
        return send(res, err.status, { error: err.error, error_description: err.message }, err.headers);
      }
      log(`notes API: ${err instanceof Error ? err.stack : String(err)}`);
      send(res, 500, { error: 'server_error', error_description: 'unexpected error' });
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4001, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const port = address.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  publicOrigin = configuredOrigin ?? new URL(url).origin;

  /** @type {Promise<void> | undefined} */
  let stopped;
  return {
    url,
    port,
    stop() {
      stopped ??= new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function send(res, status, body, headers = {}) {
  if (res.headersSent) return res.end();
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}
