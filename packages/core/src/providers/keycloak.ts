import { parseSecureUrl } from '../url.js';
import { type ProviderPreset, segment } from './preset.js';

/** Where a Keycloak realm lives. */
export interface KeycloakOptions {
  /** The server's base URL, e.g. `https://sso.example.com` (with `/auth` on Keycloak < 17). */
  url: string;
  /** The realm's name. */
  realm: string;
}

/**
 * Keycloak: a standards-complete server, so the preset only builds the realm's issuer.
 *
 * Console: a client with "Client authentication" off (public), "Standard flow" on, your redirect
 * URI under "Valid redirect URIs", your `postLogoutRedirectUri` under "Valid post logout
 * redirect URIs", your app's origin under "Web origins" (CORS), and "PKCE Method" S256 in the
 * client's advanced settings to refuse logins without PKCE.
 *
 * @see https://www.keycloak.org/docs/latest/securing_apps/#_oidc
 */
export function keycloak({ url, realm }: KeycloakOptions): ProviderPreset {
  const base = parseSecureUrl(url, 'keycloak(): `url`').href.replace(/\/+$/, '');
  return { issuer: `${base}/realms/${encodeURIComponent(segment('keycloak', 'realm', realm))}` };
}
