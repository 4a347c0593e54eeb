import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { validateCallback } from '../protocol/callback.js';
import { discover, type ServerMetadata } from '../protocol/discovery.js';
import type { RequestContext } from '../protocol/http.js';
import { authorizationServer, checkIssuerTemplate } from '../protocol/issuerTemplate.js';
import { revoke } from '../protocol/revocation.js';
import { clientCredentialsGrant, codeGrant, refreshGrant, type TokenEndpoint } from '../protocol/tokenRequests.js';
import type { TokenSet } from '../protocol/tokenResponse.js';
import { defined } from '../objects.js';
import { parseSecureUrl } from '../url.js';

/** How a confidential client authenticates at the token endpoint. Default `client_secret_basic`. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** Where the server is and who the client is, for the server-side functions. */
export interface ServerClientOptions extends RequestContext {
  /** The issuer, for discovery (and ID-token `iss` checks). */
  issuer?: string;
  /**
   * A multi-tenant issuer (`https://login.microsoftonline.com/{tenantid}/v2.0`, as `entra({ tenant:
   * 'common' })` sets it): the discovered `issuer` may be this template, and each ID token's `iss`
   * must be it filled with that token's own `tid`.
   */
  issuerTemplate?: string;
  /** The token endpoint, instead of discovery. */
  tokenEndpoint?: string;
  /** The revocation endpoint, instead of discovery. */
  revocationEndpoint?: string;
  clientId: string;
  /** The client secret of a confidential client; omit for a public client. */
  clientSecret?: string;
  /** Default `client_secret_basic` with a secret, `none` without. @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1 */
  authMethod?: ClientAuthMethod;
  /** The ID token's signing algorithm; default: the metadata's `id_token_signing_alg_values_supported`, else RS256. */
  idTokenSigningAlg?: string;
}

async function serverFor(opts: ServerClientOptions, need: 'token_endpoint' | 'revocation_endpoint'): Promise<ServerMetadata> {
  if (typeof opts.clientId !== 'string' || opts.clientId === '') {
    throw new AuthError('invalid_config', '`clientId` must be a non-empty string');
  }
  const explicit = need === 'token_endpoint' ? opts.tokenEndpoint : opts.revocationEndpoint;
  if (explicit) {
    const url = parseSecureUrl(explicit, need === 'token_endpoint' ? '`tokenEndpoint`' : '`revocationEndpoint`');
    return { issuer: opts.issuer ?? url.origin, [need]: url.href };
  }
  if (!opts.issuer) throw new AuthError('invalid_config', `pass \`issuer\` (for discovery) or the endpoint (${need})`);
  const meta = await discover(opts.issuer, { ...opts, expectedIssuer: opts.issuerTemplate });
  if (!meta[need]) throw new AuthError('discovery_failed', `${opts.issuer} advertises no ${need}`);
  return meta;
}

/** The token endpoint, client and client authentication of `opts`. */
async function tokenEndpoint(opts: ServerClientOptions): Promise<TokenEndpoint> {
  const template = opts.issuerTemplate === undefined ? undefined : checkIssuerTemplate(opts.issuerTemplate);
  const meta = await serverFor(opts, 'token_endpoint');
  const client = defined<oauth.Client>({ client_id: opts.clientId, id_token_signed_response_alg: opts.idTokenSigningAlg });
  return { as: authorizationServer(meta, template), client, auth: clientAuth(opts), ctx: opts };
}

function clientAuth(opts: ServerClientOptions): oauth.ClientAuth {
  const method = opts.authMethod ?? (opts.clientSecret ? 'client_secret_basic' : 'none');
  if (method === 'none') return oauth.None();
  if (!opts.clientSecret) throw new AuthError('invalid_config', `\`clientSecret\` is required for ${method}`);
  if (method === 'client_secret_post') return oauth.ClientSecretPost(opts.clientSecret);
  if (method === 'client_secret_basic') return oauth.ClientSecretBasic(opts.clientSecret);
  throw new AuthError('invalid_config', `unknown authMethod ${JSON.stringify(method)}`);
}

/**
 * Client Credentials grant: a token for a machine (a cron job, a service) with its own secret.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export async function clientCredentials(
  opts: ServerClientOptions & { scope?: string; params?: Record<string, string> },
): Promise<TokenSet> {
  const params = new URLSearchParams(opts.params);
  if (opts.scope) params.set('scope', opts.scope);
  const { tokens } = await clientCredentialsGrant(await tokenEndpoint(opts), params);
  return tokens;
}

/** The result of {@link exchangeCode}: tokens plus validated ID-token claims when one was issued. */
export interface CodeExchangeResult {
  tokens: TokenSet;
  claims?: Record<string, unknown> & { sub: string };
}

/**
 * Authorization Code grant for a server-side (confidential or public) client: validates the
 * callback URL (`state`, RFC 9207 `iss`, `error`) and exchanges the code with the verifier.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3, https://www.rfc-editor.org/rfc/rfc7636
 */
export async function exchangeCode(
  opts: ServerClientOptions & {
    redirectUri: string;
    /** The full URL the server redirected to (with `code`, `state`, `iss`). */
    callbackUrl: string | URL;
    codeVerifier: string;
    expectedState: string;
    /** The nonce sent in the authorization request; required when an ID token is expected. */
    expectedNonce?: string;
    /** The `max_age` sent in the authorization request (seconds): enforced on the ID token's `auth_time`. */
    maxAge?: number;
  },
): Promise<CodeExchangeResult> {
  const te = await tokenEndpoint(opts);
  const validated = validateCallback(te.as, te.client, new URL(opts.callbackUrl).searchParams, opts.expectedState);
  const { tokens, claims } = await codeGrant(te, validated, opts.redirectUri, opts.codeVerifier, { nonce: opts.expectedNonce, maxAge: opts.maxAge });
  return claims ? { tokens, claims: { ...claims } as CodeExchangeResult['claims'] & object } : { tokens };
}

/**
 * Refresh Token grant for a server-side client. Keep the returned refresh token: servers rotate.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export async function refreshTokens(
  opts: ServerClientOptions & { refreshToken: string; params?: Record<string, string> },
): Promise<TokenSet> {
  const { tokens } = await refreshGrant(await tokenEndpoint(opts), opts.refreshToken, opts.params);
  return tokens;
}

/**
 * Token revocation.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009
 */
export async function revokeToken(
  opts: ServerClientOptions & { token: string; tokenTypeHint?: 'refresh_token' | 'access_token' },
): Promise<void> {
  const meta = await serverFor(opts, 'revocation_endpoint');
  await revoke(meta, { client_id: opts.clientId }, clientAuth(opts), opts.token, opts.tokenTypeHint, opts);
}
