import type { IncomingMessage } from 'node:http';

/** The asymmetric algorithms accepted for DPoP proofs, in the order the challenges' `algs` name them. */
export const DPOP_ALGS: readonly string[];

/** The scheme a request presented its token with. */
export type Scheme = 'Bearer' | 'DPoP';

/** A refusal: the status, the OAuth `error`, its description and headers (`WWW-Authenticate`, …). */
export class HttpError extends Error {
  constructor(status: number, error: string, description: string, headers?: Record<string, string>);
  status: number;
  error: string;
  headers: Record<string, string>;
}

/** Who a verified request speaks for. */
export interface Caller {
  scheme: Scheme;
  /** The token's `sub`, when a non-empty string. */
  sub: string | undefined;
  /** `client_id`, else `azp`. */
  clientId: string | undefined;
  /** From `scope` (space-separated) or `scp` (string or array). */
  scopes: Set<string>;
  payload: Record<string, unknown>;
}

/** Options of {@link createAccessTokenVerifier}: one resource server's view of the tokens. */
export interface AccessTokenVerifierOptions {
  /** Tokens must carry it as `iss`; its discovery document gives the JWKS URL. */
  issuer: string;
  /** The `aud` tokens must carry; `null` skips the check. */
  audience: string | null;
  /** The JWKS URL, instead of discovery's `jwks_uri`. */
  jwksUrl?: string | undefined;
  /** Required JWT `typ` header. Default `'at+jwt'`; `null` skips the check. */
  tokenType?: string | null | undefined;
  /** Clock skew tolerated on `exp`/`nbf`/`iat` and proofs' `iat`, in seconds. Default `0`. */
  clockTolerance?: number | undefined;
  /** How old (or, by `clockTolerance`, how far ahead) a proof's `iat` may be, in seconds. Default `300`. */
  dpopMaxAge?: number | undefined;
  /** Seconds until the DPoP nonce is replaced; the previous one stays accepted for as long again. Default `300`. */
  dpopNonceLifetime?: number | undefined;
  /** Used proofs remembered within `dpopMaxAge`; beyond, new proofs get 503. Default `10000`. */
  dpopReplayCacheSize?: number | undefined;
  /** The origin proofs must name in `htu` (the request's path is appended); read on every proof. */
  publicOrigin: () => string;
  /** The API's name in log lines, e.g. `notes API`. */
  name: string;
  log?: ((message: string) => void) | undefined;
}

export interface AccessTokenVerifier {
  /**
   * Verifies the request's `Authorization` (Bearer or DPoP) and, for a DPoP-bound token, its proof;
   * rejects with an {@link HttpError} (401 with the scheme's challenge, 400, or 503).
   */
  authenticate(req: IncomingMessage): Promise<Caller>;
  /** The nonce a DPoP client must put in its next proof (sent as `DPoP-Nonce`). */
  currentNonce(): string;
}

/** The token, proof, nonce and replay checks of one resource server. */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier;

/** Throws 403 `insufficient_scope` (challenge of the caller's scheme) unless the token carries `scope`. */
export function requireScope(who: Pick<Caller, 'scheme' | 'scopes'>, scope: string): void;

/**
 * The caller's `sub`: throws 401 `invalid_token` without one and 403 `person_required` for a Client
 * Credentials token (`sub` = client id). `what` names what needs a person, in the refusal.
 */
export function personOf(who: Pick<Caller, 'scheme' | 'sub' | 'clientId'>, what: string): string;
