import { discover, type ServerMetadata } from '@pkce-auth/core';
import type { BffConfig } from './options.js';

/**
 * The issuer's metadata as the BFF uses it: discovered (cached by the core; its `issuer` may be
 * the `issuerTemplate`), with the endpoints the `endpoints` option gives in place of the
 * discovered ones (a preset's: Cognito's discovery lists no revocation endpoint).
 */
export async function serverMetadata(config: BffConfig): Promise<ServerMetadata> {
  return { ...(await discover(config.client.issuer, { expectedIssuer: config.client.issuerTemplate })), ...config.endpoints };
}
