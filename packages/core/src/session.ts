import type { ServerMetadata, TokenSet } from './protocol.js';
import { parseSecureUrl } from './url.js';
import type { AuthUser } from './types.js';

/** What a stored session holds; the refresh token stays here, never in `AuthState`. */
export interface StoredSession {
  v: 1;
  clientId: string;
  tokens: TokenSet;
  /** Epoch ms when the tokens were received: with `expiresAt` it gives the token's lifetime. */
  receivedAt: number;
  user: AuthUser | null;
  meta: ServerMetadata;
}

/** A login started by this tab and waiting for its callback. */
export interface PendingLogin {
  state: string;
  verifier: string;
  nonce?: string;
  returnTo: string;
  createdAt: number;
  redirectUri: string;
  meta: ServerMetadata;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalString = (v: unknown): boolean => v === undefined || (typeof v === 'string' && v !== '');
const isUrl = (v: unknown): boolean => {
  try {
    parseSecureUrl(v, 'url');
    return true;
  } catch {
    return false;
  }
};

/** Validates metadata read back from storage: every endpoint https or loopback http. */
export function parseMetadata(value: unknown): ServerMetadata | undefined {
  if (!isObject(value) || typeof value.issuer !== 'string' || value.issuer === '') return undefined;
  const meta: ServerMetadata = { issuer: value.issuer };
  for (const key of ['authorization_endpoint', 'token_endpoint', 'revocation_endpoint', 'end_session_endpoint', 'userinfo_endpoint', 'jwks_uri'] as const) {
    const url = value[key];
    if (url === undefined) continue;
    if (!isUrl(url)) return undefined;
    meta[key] = url as string;
  }
  if (value.authorization_response_iss_parameter_supported === true) meta.authorization_response_iss_parameter_supported = true;
  return meta;
}

/** Validates a token set read back from storage. */
function parseTokens(value: unknown): TokenSet | undefined {
  if (!isObject(value)) return undefined;
  const { accessToken, tokenType, expiresAt, scope, refreshToken, idToken } = value;
  if (typeof accessToken !== 'string' || accessToken === '' || tokenType !== 'Bearer') return undefined;
  if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) return undefined;
  if (!optionalString(refreshToken) || !optionalString(idToken) || (scope !== undefined && typeof scope !== 'string')) return undefined;
  const tokens: TokenSet = { accessToken, tokenType };
  if (expiresAt !== undefined) tokens.expiresAt = expiresAt as number;
  if (scope !== undefined) tokens.scope = scope as string;
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken as string;
  if (idToken !== undefined) tokens.idToken = idToken as string;
  return tokens;
}

/**
 * Validates a stored session for `clientId`. Anything corrupt, foreign (another client or
 * format) or partial reads as no session, so a bad entry can never crash the app.
 */
export function parseSession(value: unknown, clientId: string): StoredSession | undefined {
  if (!isObject(value) || value.v !== 1 || value.clientId !== clientId) return undefined;
  const tokens = parseTokens(value.tokens);
  const meta = parseMetadata(value.meta);
  if (!tokens || !meta || typeof value.receivedAt !== 'number' || !Number.isFinite(value.receivedAt)) return undefined;
  const user = value.user;
  if (user !== null && !(isObject(user) && typeof user.sub === 'string' && user.sub !== '')) return undefined;
  return { v: 1, clientId, tokens, receivedAt: value.receivedAt, user: user as AuthUser | null, meta };
}

/** Validates one pending login read back from storage. */
export function parsePending(value: unknown): PendingLogin | undefined {
  if (!isObject(value)) return undefined;
  const { state, verifier, nonce, returnTo, createdAt, redirectUri } = value;
  if (typeof state !== 'string' || state === '' || typeof verifier !== 'string' || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return undefined;
  if (!optionalString(nonce) || typeof returnTo !== 'string' || !returnTo.startsWith('/')) return undefined;
  if (typeof createdAt !== 'number' || !Number.isFinite(createdAt) || typeof redirectUri !== 'string') return undefined;
  const meta = parseMetadata(value.meta);
  if (!meta) return undefined;
  const pending: PendingLogin = { state, verifier, returnTo, createdAt, redirectUri, meta };
  if (nonce !== undefined) pending.nonce = nonce as string;
  return pending;
}
