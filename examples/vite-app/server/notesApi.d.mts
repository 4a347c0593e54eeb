/** Options of {@link createNotesApi}. */
export interface NotesApiOptions {
  /** The authorization server's issuer; tokens must carry it as `iss`. Its discovery document gives the JWKS URL. */
  issuer: string;
  /** The expected `aud` of access tokens. Default `'http://localhost:4001'`; `null` skips the audience check (Cognito tokens have none). */
  audience?: string | null;
  /** The JWKS URL, instead of discovery's `jwks_uri`. */
  jwksUrl?: string;
  /** Port; `0` picks a free one. Default `4001`. */
  port?: number;
  /** Interface to bind. Default `'127.0.0.1'`. */
  host?: string;
  /** Browser origins allowed by CORS. Default `['http://localhost:5173', 'http://127.0.0.1:5173']`. */
  allowedOrigins?: string[];
  /** Scope needed to read notes. Default `'notes:read'`. */
  readScope?: string;
  /** Scope needed to add or delete notes. Default `'notes:write'`. */
  writeScope?: string;
  /** Scope needed for `GET /notes/export` (everyone's notes). Default `'notes:export'`. */
  exportScope?: string;
  /** Client ids (the token's `client_id`, else `azp`) allowed to call `GET /notes/export` (with `exportScope`). Default `['notes-machine']`. */
  exportClients?: string[];
  /** Required JWT `typ` header. Default `'at+jwt'` (RFC 9068); `null` skips the check. */
  tokenType?: string | null;
  /** Clock skew tolerated on `exp`/`nbf`/`iat`, in seconds. Default `0`. */
  clockTolerance?: number;
  /**
   * The origin clients call the API at, e.g. `https://notes.example.com` behind a proxy: DPoP proofs
   * must name it in `htu` (the Host header is not trusted). Default: the listening URL, `NotesApi.url`.
   * Only an origin: the API serves its routes at the root, so a path (other than `/`), query or
   * fragment makes createNotesApi() throw instead of being dropped from the expected `htu`.
   */
  publicOrigin?: string;
  /** How old (or, by `clockTolerance`, how far ahead) a DPoP proof's `iat` may be, in seconds. Default `300`. */
  dpopMaxAge?: number;
  /** Seconds until the API's DPoP nonce is replaced; the previous one stays accepted for as long again. Default `300`. */
  dpopNonceLifetime?: number;
  /**
   * At most this many used DPoP proofs (jti) are remembered within `dpopMaxAge`; beyond, new proofs get 503. Default `10000`.
   * The trade-off: a full cache refuses rather than forgets a proof that could be replayed, so it answers 503 to every
   * DPoP client, and a holder of one valid bound token can fill it with fresh proofs within the `iat` window.
   */
  dpopReplayCacheSize?: number;
  /** Where diagnostics go. Default: nowhere. */
  log?: (message: string) => void;
}

/** The asymmetric algorithms accepted for DPoP proofs, in the order the challenges' `algs` name them. */
export const DPOP_ALGS: readonly string[];

/** A note as stored and returned by the API. */
export interface Note {
  id: string;
  text: string;
  createdAt: string;
}

/** A running Notes API. */
export interface NotesApi {
  /** Base URL, e.g. `http://127.0.0.1:4001`. */
  url: string;
  port: number;
  /** Closes the server and its connections. */
  stop(): Promise<void>;
}

/**
 * Starts the Notes API: `GET /notes` (notes:read), `POST /notes` `{ text }` (notes:write),
 * `DELETE /notes/:id` (notes:write), per person (the token's `sub`; a token without one gets 401
 * `invalid_token`, a Client Credentials token 403 `person_required`), in memory;
 * `GET /notes/export` (notes:export, and a client in `exportClients`: else 403
 * `insufficient_scope` / `client_not_allowed`) returns everyone's notes.
 *
 * Tokens come as `Authorization: Bearer` or, if bound to a key (`cnf.jkt`, RFC 9449), only as
 * `Authorization: DPoP` with a `DPoP` proof for the request's method and URL, signed by that key,
 * with the API's nonce (a proof without it gets 401 `use_dpop_nonce` and a `DPoP-Nonce` header,
 * sent on every answer to a DPoP request) and a jti not used before (else 401 `invalid_dpop_proof`).
 * A request without a token, and a DPoP-bound token sent as Bearer, get both challenges (RFC 9449
 * §7.1): `WWW-Authenticate: Bearer[ error=…], DPoP algs="…"`.
 */
export function createNotesApi(options: NotesApiOptions): Promise<NotesApi>;
