import { AuthError } from '../errors.js';
import type { Dpop } from './dpop.js';
import type { ClientConfig } from './options.js';

/**
 * DPoP is provided by an import of its own (`import '@pkce-auth/core/dpop'`), so apps that do not
 * use it bundle neither it nor oauth4webapi's code for it.
 */
let provided: ((config: ClientConfig) => Dpop) | undefined;

export function provideDpop(implementation: (config: ClientConfig) => Dpop): void {
  provided = implementation;
}

/** @throws AuthError `invalid_config` naming the import when `dpop: true` is set without it. */
export function dpopExtension(): (config: ClientConfig) => Dpop {
  if (!provided) throw new AuthError('invalid_config', "`dpop: true` needs `import '@pkce-auth/core/dpop'` once, next to createAuthClient");
  return provided;
}
