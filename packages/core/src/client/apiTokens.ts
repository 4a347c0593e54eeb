import { defined, words } from '../objects.js';
import type { TokenSet } from '../protocol/tokenResponse.js';
import type { TokenOptions } from '../types.js';
import type { ApiToken, StoredSession } from './storedSession.js';

/** Which token: undefined for the session's own, else one API's (RFC 8707). */
export type TokenTarget = TokenOptions | undefined;

/** A target with its scope normalised, or undefined for the session's own token. */
export function normalTarget(options: TokenOptions | undefined): TokenTarget {
  const scope = words(options?.scope).join(' ') || undefined;
  const resource = options?.resource || undefined;
  return resource || scope ? defined<TokenOptions>({ resource, scope }) : undefined;
}

/** The key of a target's token in `StoredSession.apiTokens`; `''` for the session's own. */
export const targetKey = (target: TokenTarget): string => (target ? JSON.stringify([target.resource ?? '', target.scope ?? '']) : '');

/** The target's token in `session` (if any): the session itself for the default token. */
export const tokenOf = (session: StoredSession | undefined, target: TokenTarget): ApiToken | undefined => (target ? session?.apiTokens?.[targetKey(target)] : session);

/** The extra refresh-grant parameters for a target (RFC 8707 §2.2). */
export const targetParams = (target: TokenTarget): Record<string, string> | undefined => (target ? defined<Record<string, string>>({ ...target }) : undefined);

/**
 * `session` after a refresh for `target`: the API's access token is cached under the target; the
 * rotated refresh token and ID token are the session's.
 */
export function withApiToken(session: StoredSession, target: TokenOptions, tokens: TokenSet, receivedAt: number): StoredSession {
  const { refreshToken, idToken, ...access } = tokens;
  const apiToken: ApiToken = { tokens: access, receivedAt };
  return { ...session, tokens: { ...session.tokens, ...defined({ refreshToken, idToken }) }, apiTokens: { ...session.apiTokens, [targetKey(target)]: apiToken } };
}
