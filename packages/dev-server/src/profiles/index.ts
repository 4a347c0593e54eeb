/** The quirk profiles of the dev server, by name. */
import { auth0 } from './auth0.js';
import { cognito } from './cognito.js';
import { entra } from './entra.js';
import { keycloak } from './keycloak.js';
import { okta } from './okta.js';
import type { ProviderProfile } from './types.js';

export { COGNITO_USER_POOL_ID } from './cognito.js';
export { ENTRA_TENANT_ID } from './entra.js';
export { KEYCLOAK_REALM } from './keycloak.js';
export type { ProviderProfile } from './types.js';

/** The providers the dev server can behave as. */
export type ProfileName = 'cognito' | 'auth0' | 'keycloak' | 'entra' | 'okta';

export const PROFILES: Readonly<Record<ProfileName, ProviderProfile>> = { cognito, auth0, keycloak, entra, okta };

/** The profile of that name; an unknown name is refused with the known ones. */
export function profileNamed(name: string): ProviderProfile {
  if (!Object.hasOwn(PROFILES, name)) throw new Error(`unknown profile "${name}"; the profiles are ${Object.keys(PROFILES).join(', ')}`);
  return PROFILES[name as ProfileName];
}
