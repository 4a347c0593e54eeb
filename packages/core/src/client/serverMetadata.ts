import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { discover, type ServerMetadata } from '../protocol/discovery.js';
import { authorizationServer } from '../protocol/issuerTemplate.js';
import type { TokenEndpoint } from '../protocol/tokenRequests.js';
import type { ClientConfig } from './options.js';

/**
 * The configured server's metadata: the `endpoints` option, or the configured issuer's discovery
 * (cached for the page). Never metadata read back from storage, except the one code exchange a
 * pending login of the same issuer was started for.
 */
export interface MetadataSource {
  get(): Promise<ServerMetadata>;
  /** The metadata for a pending login's code exchange (sparing the callback page a discovery). */
  forPendingLogin(stored: ServerMetadata): ServerMetadata;
  /** How to send token requests to `meta`'s token endpoint as this client. */
  tokenEndpoint(meta: ServerMetadata): TokenEndpoint;
}

function checkUsable(meta: ServerMetadata, needs: readonly ('authorization_endpoint' | 'token_endpoint')[] = ['authorization_endpoint', 'token_endpoint']): ServerMetadata {
  if (needs.some((field) => !meta[field])) throw new AuthError('discovery_failed', `${meta.issuer} lacks ${needs.join(' or ')}`);
  if (meta.code_challenge_methods_supported?.includes('S256') === false) {
    throw new AuthError('discovery_failed', `${meta.issuer} lacks PKCE S256; enable it for this client`);
  }
  return meta;
}

export function createMetadataSource(config: ClientConfig): MetadataSource {
  const { endpoints, issuer, issuerTemplate } = config;
  const expectedIssuer = issuerTemplate ?? issuer;
  return {
    get: async () => endpoints ?? checkUsable(await discover(issuer, { ...config.ctx, expectedIssuer: issuerTemplate })),
    forPendingLogin(stored) {
      if (endpoints) return endpoints;
      if (stored.issuer !== expectedIssuer) {
        throw new AuthError('state_mismatch', `this sign-in was started for another issuer (${stored.issuer}, not ${expectedIssuer}); start the login again`);
      }
      return checkUsable(stored, ['token_endpoint']);
    },
    tokenEndpoint: (meta) => ({ as: authorizationServer(meta, issuerTemplate), client: config.client, auth: oauth.None(), ctx: config.ctx }),
  };
}
