import * as oauth from 'oauth4webapi';
import { AuthError } from './errors.js';
import {
  discover,
  httpOptions,
  processTokenResponse,
  request,
  revoke,
  type RequestContext,
  type ServerMetadata,
  type TokenSet,
  validateCallback,
} from './protocol.js';
import { parseSecureUrl } from './url.js';

/** How a confidential client authenticates at the token endpoint. Default `client_secret_basic`. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** Where the server is and who the client is, for the server-side functions. */
export interface ServerClientOptions extends RequestContext {
  /** The issuer, for discovery (and ID-token `iss` checks). */
  issuer?: string;
  /** The token endpoint, instead of discovery. */
  tokenEndpoint?: string;
  /** The revocation endpoint, instead of discovery. */
  revocationEndpoint?: string;
  clientId: string;
  /** The client secret of a confidential client; omit for a public client. */
  clientSecret?: string;
  /** Default `client_secret_basic` with a secret, `none` without. @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1 */
  authMethod?: ClientAuthMethod;
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
  const meta = await discover(opts.issuer, opts);
  if (!meta[need]) throw new AuthError('discovery_failed', `${opts.issuer} advertises no ${need}`);
  return meta;
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
  const meta = await serverFor(opts, 'token_endpoint');
  const params = new URLSearchParams(opts.params);
  if (opts.scope) params.set('scope', opts.scope);
  const as = meta as oauth.AuthorizationServer;
  const client = { client_id: opts.clientId };
  const response = await request(
    () => oauth.clientCredentialsGrantRequest(as, client, clientAuth(opts), params, httpOptions(meta.token_endpoint as string, opts)),
    'the token endpoint',
  );
  const { tokens } = await processTokenResponse(response, (r) => oauth.processClientCredentialsResponse(as, client, r));
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
  },
): Promise<CodeExchangeResult> {
  const meta = await serverFor(opts, 'token_endpoint');
  const as = meta as oauth.AuthorizationServer;
  const client = { client_id: opts.clientId };
  const validated = validateCallback(as, client, new URL(opts.callbackUrl).searchParams, opts.expectedState);
  const response = await request(
    () => oauth.authorizationCodeGrantRequest(as, client, clientAuth(opts), validated, opts.redirectUri, opts.codeVerifier, httpOptions(meta.token_endpoint as string, opts)),
    'the token endpoint',
  );
  const { tokens, claims } = await processTokenResponse(response, (r) =>
    oauth.processAuthorizationCodeResponse(as, client, r, opts.expectedNonce ? { expectedNonce: opts.expectedNonce, requireIdToken: true } : {}),
  );
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
  const meta = await serverFor(opts, 'token_endpoint');
  const as = meta as oauth.AuthorizationServer;
  const client = { client_id: opts.clientId };
  const response = await request(
    () =>
      oauth.refreshTokenGrantRequest(as, client, clientAuth(opts), opts.refreshToken, {
        ...httpOptions(meta.token_endpoint as string, opts),
        ...(opts.params ? { additionalParameters: opts.params } : {}),
      }),
    'the token endpoint',
  );
  const { tokens } = await processTokenResponse(response, (r) => oauth.processRefreshTokenResponse(as, client, r));
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
