import type { ResourceServer, ResourceServerOptions } from './resourceServer.mjs';

/** Options of {@link createNotesApi}: those of every example resource server, its audience and scopes. */
export interface NotesApiOptions extends ResourceServerOptions {
  /** The expected `aud` of access tokens. Default `'http://localhost:4001'`; `null` skips the audience check (Cognito tokens have none). */
  audience?: string | null;
  /** Port; `0` picks a free one. Default `4001`. */
  port?: number;
  /** Scope needed to read notes. Default `'notes:read'`. */
  readScope?: string;
  /** Scope needed to add or delete notes. Default `'notes:write'`. */
  writeScope?: string;
  /** Scope needed for `GET /notes/export` (everyone's notes). Default `'notes:export'`. */
  exportScope?: string;
  /** Client ids (the token's `client_id`, else `azp`) allowed to call `GET /notes/export` (with `exportScope`). Default `['notes-machine']`. */
  exportClients?: string[];
}

/** The asymmetric algorithms accepted for DPoP proofs, in the order the challenges' `algs` name them. */
export { DPOP_ALGS } from './accessTokens.mjs';

/** A note as stored and returned by the API. */
export interface Note {
  id: string;
  text: string;
  createdAt: string;
}

/** A running Notes API. */
export type NotesApi = ResourceServer;

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
