import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { parseSecureUrl } from '../url.js';
import type { ServerMetadata } from './discovery.js';

/**
 * oauth4webapi's hook for the expected `iss` of a JWT, exported but left out of its types; its
 * author's openid-client uses it the same way for Entra ID's `{tenantid}` issuer.
 */
const EXPECTED_ISSUER = (oauth as unknown as { _expectedIssuer: symbol })._expectedIssuer;

/**
 * Checks a multi-tenant issuer template (`https://login.microsoftonline.com/{tenantid}/v2.0`).
 *
 * @throws AuthError `invalid_config` unless it is an https URL (http on loopback) containing `{tenantid}`.
 */
export function checkIssuerTemplate(template: unknown): string {
  parseSecureUrl(template, '`issuerTemplate`');
  if (!(template as string).includes('{tenantid}')) throw new AuthError('invalid_config', '`issuerTemplate` must be an https URL containing `{tenantid}`');
  return template as string;
}

/**
 * The issuer a token of the tenant `tid` must carry under `template`; undefined when `tid` is
 * not a tenant id (letters, digits, dashes).
 */
export function tenantIssuer(template: string, tid: unknown): string | undefined {
  return typeof tid === 'string' && /^[\w-]+$/.test(tid) ? template.replace('{tenantid}', tid) : undefined;
}

/**
 * The server as oauth4webapi sees it; with an issuer template, each ID token's `iss` is expected
 * to be the template filled with that token's own `tid`; a token without one is refused.
 */
export function authorizationServer(meta: ServerMetadata, template: string | undefined): oauth.AuthorizationServer {
  if (!template) return meta as oauth.AuthorizationServer;
  // Without a usable `tid` no issuer can match: not even the template itself.
  const expected = ({ claims }: { claims: { tid?: unknown } }): string => tenantIssuer(template, claims.tid) ?? `${template}, filled with a tid claim the token lacks`;
  return { ...meta, [EXPECTED_ISSUER]: expected } as oauth.AuthorizationServer;
}
