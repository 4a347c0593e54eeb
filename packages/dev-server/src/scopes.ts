/** Scope lists of the dev server: the OpenID ones and the example APIs' defaults. */

export const OIDC_SCOPES = 'openid profile email offline_access';
export const DEFAULT_RESOURCE_SCOPES = 'notes:read notes:write';
export const DEFAULT_MACHINE_SCOPES = 'notes:export';
export const DEFAULT_TAGS_SCOPES = 'tags:read';

/** The scopes of space-separated scope lists, without empty or repeated entries (so `''` gives `[]`). */
export function joinScopes(...lists: string[]): string[] {
  return unique(lists.flatMap((list) => list.split(' ')).filter(Boolean));
}

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
