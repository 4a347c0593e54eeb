import { AuthError, createPkcePair } from '@pkce-auth/core';
import { serverMetadata } from '../metadata.js';
import { randomId } from '../crypto.js';
import type { BffConfig } from '../options.js';
import { MAX_RETURN_TO, pendingLoginsCookie, readPendingLogins, type PendingLogin } from '../pendingLogins.js';
import { requestCookies } from '../requestSession.js';
import { HttpError, redirect } from '../responses.js';
import { sameOriginPath } from '../returnTo.js';

/** The `returnTo` of a login request: one same-origin path, default `/`. */
function returnToOf(config: BffConfig, url: URL): string {
  const values = url.searchParams.getAll('returnTo');
  if (values.length > 1) throw new HttpError(400, 'invalid_return_to', 'returnTo must be given at most once');
  const returnTo = sameOriginPath(values[0] ?? '/', config.baseUrl.origin);
  if (returnTo.length > MAX_RETURN_TO) throw new HttpError(400, 'invalid_return_to', `returnTo must be at most ${MAX_RETURN_TO} characters`);
  return returnTo;
}

/**
 * The authorization request URL: code flow, PKCE S256, `state`, `nonce`, the configured scope,
 * extra parameters and a `resource` for every API that names one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1, https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */
function authorizationUrl(config: BffConfig, endpoint: string, login: PendingLogin, challenge: string): string {
  const url = new URL(endpoint);
  for (const [name, value] of Object.entries(config.authorizeParams)) url.searchParams.set(name, value);
  const params = {
    response_type: 'code',
    client_id: config.client.clientId,
    redirect_uri: config.redirectUri,
    scope: config.scope,
    state: login.state,
    nonce: login.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  // Every API's resource (RFC 8707 §2), as the browser client asks: strict servers grant only
  // the resources named here, and each API's token is got for its resource later.
  for (const { resource } of config.apis) if (resource && !url.searchParams.getAll('resource').includes(resource)) url.searchParams.append('resource', resource);
  return url.href;
}

/**
 * `GET /bff/login?returnTo=`: starts a login at the server. The verifier, `state` and `nonce`
 * go into the sealed login cookie (beside up to two other pending logins of the same browser);
 * the browser goes on to the authorization endpoint.
 */
export async function login(config: BffConfig, request: Request, url: URL): Promise<Response> {
  const returnTo = returnToOf(config, url);
  const meta = await serverMetadata(config);
  if (!meta.authorization_endpoint) throw new AuthError('discovery_failed', `${config.client.issuer} advertises no authorization_endpoint`);
  const { verifier, challenge } = await createPkcePair();
  const pending: PendingLogin = { state: randomId(), verifier, nonce: randomId(), returnTo, createdAt: Date.now() };
  const earlier = readPendingLogins(config, requestCookies(config, request).login);
  return redirect(302, authorizationUrl(config, meta.authorization_endpoint, pending, challenge), {
    'set-cookie': pendingLoginsCookie(config, [...earlier, pending]),
  });
}
