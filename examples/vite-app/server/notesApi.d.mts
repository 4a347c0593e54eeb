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
  /** Where diagnostics go. Default: nowhere. */
  log?: (message: string) => void;
}

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
 */
export function createNotesApi(options: NotesApiOptions): Promise<NotesApi>;
