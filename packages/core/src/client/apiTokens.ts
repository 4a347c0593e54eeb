import { AuthError } from '../errors.js';
import { defined, words } from '../objects.js';
import type { TokenSet } from '../protocol/tokenResponse.js';
import type { TokenOptions } from '../types.js';
import { tryUrl } from '../url.js';
import type { ApiToken, StoredSession } from './storedSession.js';

/** Which token: undefined for the session's own, else one API's (RFC 8707). */
export type TokenTarget = TokenOptions | undefined;

/**
 * Validates `{ resource?, scope? }` (from `apis[i]` or `getAccessToken()`, named by `where`) into
 * a target: scopes sorted, so one token serves `'a b'` and `'b a'`; undefined for the session's own.
 *
 * @throws AuthError `invalid_config` for a resource that is not an absolute URI without a
 *   fragment (RFC 8707 §2), or a scope that is not a string.
 */
export function parseTarget(options: unknown, where: string): TokenTarget {
  const { resource, scope } = (options ?? {}) as Record<string, unknown>;
  if (resource !== undefined && (typeof resource !== 'string' || !tryUrl(resource) || resource.includes('#'))) {
    throw new AuthError('invalid_config', `\`${where}.resource\` must be an absolute URI without a fragment, got ${JSON.stringify(resource)}`);
  }
  if (scope !== undefined && typeof scope !== 'string') throw new AuthError('invalid_config', `\`${where}.scope\` must be a space-separated string`);
  const scopes = words(scope as string | undefined).sort().join(' ') || undefined;
  return resource || scopes ? defined<TokenOptions>({ resource: resource as string | undefined, scope: scopes }) : undefined;
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
