import { type ProviderPreset, segment } from './preset.js';

/** Which Microsoft Entra ID tenant signs people in. */
export interface EntraOptions {
  /**
   * A tenant id or domain for single-tenant apps; `'organizations'` (any work or school account)
   * or `'common'` (those and personal accounts) for multi-tenant apps; `'consumers'` for personal
   * accounts only.
   */
  tenant: string;
}

const LOGIN = 'https://login.microsoftonline.com';
/** The personal-accounts tenant: `/consumers` metadata names this tenant's issuer. */
const CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/**
 * Microsoft Entra ID (v2.0 endpoints).
 *
 * Console: App registrations → your app → Authentication → "Single-page application" platform
 * with your redirect URI (the SPA platform is what allows the browser's token requests: a "Web"
 * redirect URI fails with AADSTS9002326), front-channel logout URL optional; add `offline_access`
 * to `scope` for refresh tokens (24 h for SPAs, rotated on use).
 *
 * Quirks it carries: Entra has no revocation endpoint (logout ends the session at Entra's
 * end-session endpoint only; a refresh token lives until it expires); for `'common'` and
 * `'organizations'` the metadata's issuer is the template
 * `https://login.microsoftonline.com/{tenantid}/v2.0`, and each ID token's `iss` is checked
 * against it with the token's own `tid` (any tenant can sign in: check `user.tid` if only some may).
 *
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/reference-third-party-cookies-spas
 */
export function entra({ tenant }: EntraOptions): ProviderPreset {
  const id = segment('entra', 'tenant', tenant);
  if (id === 'consumers') return { issuer: `${LOGIN}/${CONSUMERS_TENANT}/v2.0` };
  if (id !== 'common' && id !== 'organizations') return { issuer: `${LOGIN}/${encodeURIComponent(id)}/v2.0` };
  return { issuer: `${LOGIN}/${id}/v2.0`, issuerTemplate: `${LOGIN}/{tenantid}/v2.0` };
}
