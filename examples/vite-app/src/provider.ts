/**
 * Which authorization server the app signs in with, as client options: a provider preset of the
 * SDK when `VITE_AUTH_PROVIDER` names one (its quirks — endpoints, logout, issuer template —
 * come with it), else the standard server at `VITE_AUTH_ISSUER` (the dev server by default).
 */
import { auth0, cognito, entra, keycloak, okta, type ProviderPreset } from '@pkce-auth/react';

const env = import.meta.env as Record<string, string | undefined>;

/** The providers `VITE_AUTH_PROVIDER` may name. */
export const PROVIDERS = ['cognito', 'auth0', 'keycloak', 'okta', 'entra'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** A set, non-blank variable; a missing one is refused with its name, so the fix is plain. */
function required(provider: string, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`VITE_AUTH_PROVIDER=${provider} needs ${name}. Set it in your .env file.`);
  return value;
}

function optional(name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

/** The preset of `name`, with its parameters read from their `VITE_<PROVIDER>_*` variables. */
function presetOf(name: ProviderName): ProviderPreset {
  switch (name) {
    case 'cognito':
      return cognito({ region: required(name, 'VITE_COGNITO_REGION'), userPoolId: required(name, 'VITE_COGNITO_USER_POOL_ID'), domain: required(name, 'VITE_COGNITO_DOMAIN') });
    case 'auth0':
      // The notes API's identifier rides on `audience` (see VITE_AUTH_AUDIENCE_PARAM), not here.
      return auth0({ domain: required(name, 'VITE_AUTH0_DOMAIN') });
    case 'keycloak':
      return keycloak({ url: required(name, 'VITE_KEYCLOAK_URL'), realm: required(name, 'VITE_KEYCLOAK_REALM') });
    case 'okta': {
      const authorizationServerId = optional('VITE_OKTA_AUTHORIZATION_SERVER_ID');
      return okta({ domain: required(name, 'VITE_OKTA_DOMAIN'), ...(authorizationServerId ? { authorizationServerId } : {}) });
    }
    case 'entra':
      return entra({ tenant: required(name, 'VITE_ENTRA_TENANT') });
  }
}

/**
 * The provider options of the app's client. With `VITE_AUTH_PROVIDER`, the preset; then
 * `VITE_AUTH_ISSUER` (and `VITE_AUTH_ISSUER_TEMPLATE`), when set, still override its issuer, for
 * a stand-in on loopback whose issuer is not the provider's (the dev server's quirk profiles).
 * Without it, `fallbackIssuer` and discovery.
 */
export function providerOptions(fallbackIssuer: string): ProviderPreset {
  const name = optional('VITE_AUTH_PROVIDER');
  if (!name) return { issuer: fallbackIssuer };
  if (!(PROVIDERS as readonly string[]).includes(name)) throw new Error(`VITE_AUTH_PROVIDER must be one of ${PROVIDERS.join(', ')}; got "${name}". Fix it in your .env file.`);
  const issuer = optional('VITE_AUTH_ISSUER');
  const issuerTemplate = optional('VITE_AUTH_ISSUER_TEMPLATE');
  return { ...presetOf(name as ProviderName), ...(issuer ? { issuer } : {}), ...(issuerTemplate ? { issuerTemplate } : {}) };
}
