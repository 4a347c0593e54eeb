import { AuthError } from '../errors.js';
import type { AuthClientOptions } from '../types.js';
import { parseSecureUrl } from '../url.js';

/**
 * What a provider preset returns: the options that carry that provider's quirks, to spread
 * before your own (`createAuthClient({ ...auth0({ domain }), clientId, redirectUri })`).
 */
export type ProviderPreset = Pick<AuthClientOptions, 'issuer' | 'endpoints' | 'authorizeParams' | 'logoutUrl' | 'issuerTemplate' | 'browserUnsupported'>;

/** Throws `invalid_config` naming the preset and the parameter. */
export function presetFail(preset: string, message: string): never {
  throw new AuthError('invalid_config', `${preset}(): ${message}`);
}

/** A non-empty string with no `/`, `?`, `#` or whitespace: safe to put in a URL's path or host. */
export function segment(preset: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[^/?#\s]+$/.test(value)) presetFail(preset, `\`${name}\` must be a non-empty name without "/", got ${JSON.stringify(value)}`);
  return value as string;
}

/**
 * A provider's domain as an origin: a host name (`example.auth0.com` → `https://example.auth0.com`)
 * or an origin (https, or http on loopback for a local stand-in), with no path.
 */
export function domainOrigin(preset: string, value: unknown): string {
  const given = typeof value === 'string' && !value.includes('://') ? `https://${value}` : value;
  const url = parseSecureUrl(given, `${preset}(): \`domain\``);
  if (url.pathname !== '/' || url.search || url.hash) presetFail(preset, `\`domain\` must be a host name, without a path, got ${JSON.stringify(value)}`);
  return url.origin;
}
