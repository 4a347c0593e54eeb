import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessTokenVerifier } from './accessTokens.mjs';

/** The options every example resource server (notes API, tags API) takes; each adds its `audience` and scopes. */
export interface ResourceServerOptions {
  /** The authorization server's issuer; tokens must carry it as `iss`. Its discovery document gives the JWKS URL. */
  issuer: string;
  /** The JWKS URL, instead of discovery's `jwks_uri`. */
  jwksUrl?: string;
  /** Port; `0` picks a free one. Default: the API's own (4001 notes, 4002 tags). */
  port?: number;
  /** Interface to bind. Default `'127.0.0.1'`. */
  host?: string;
  /** Browser origins allowed by CORS. Default `['http://localhost:5173', 'http://127.0.0.1:5173']`. */
  allowedOrigins?: string[];
  /** Required JWT `typ` header. Default `'at+jwt'` (RFC 9068); `null` skips the check. */
  tokenType?: string | null;
  /** Clock skew tolerated on `exp`/`nbf`/`iat`, in seconds. Default `0`. */
  clockTolerance?: number;
  /**
   * The origin clients call the API at, e.g. `https://notes.example.com` behind a proxy: DPoP proofs
   * must name it in `htu` (the Host header is not trusted). Default: the listening URL, `url`.
   * Only an origin: the API serves its routes at the root, so a path (other than `/`), query or
   * fragment makes the factory throw instead of being dropped from the expected `htu`.
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
  /** Sees each request as it arrives, before it is answered (e.g. a test reading the `Authorization` header a proxy sent). */
  onRequest?: (req: IncomingMessage) => void;
}

/** A running resource server. */
export interface ResourceServer {
  /** Base URL, e.g. `http://127.0.0.1:4001`. */
  url: string;
  port: number;
  /** Closes the server and its connections. */
  stop(): Promise<void>;
}

/** What one API adds to {@link startResourceServer}: its names, methods and routes. */
export interface ResourceServerDefinition {
  /** The public factory, e.g. `createNotesApi`, named in option errors. */
  factory: string;
  /** The API in log lines, e.g. `notes API`. */
  name: string;
  defaultPort: number;
  /** The methods its routes take (CORS `Access-Control-Allow-Methods`, with OPTIONS). */
  methods: string[];
  /** Response headers the browser may read besides `WWW-Authenticate` and `DPoP-Nonce`. */
  exposeHeaders?: string[];
  /** Answers one request; an HttpError it throws becomes a JSON refusal, anything else a 500. */
  route(req: IncomingMessage, res: ServerResponse, tokens: AccessTokenVerifier): Promise<unknown>;
}

/** Checks the options, listens, and serves CORS, the DPoP nonce and refusals around `definition.route`. */
export function startResourceServer(options: ResourceServerOptions & { audience: string | null }, definition: ResourceServerDefinition): Promise<ResourceServer>;

/** The request's path without trailing slashes (`/` for the root) and its method. */
export function pathAndMethod(req: IncomingMessage): { path: string; method: string };

/** The JSON body: 415 without `Content-Type: application/json`, 413 beyond `maxBytes`, 400 when not JSON. */
export function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown>;

/** A JSON answer with `Cache-Control: no-store`. */
export function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void;

/** The origin `value` is, or undefined when it is not exactly an origin (no path, query or fragment). */
export function exactOrigin(value: string): string | undefined;
