import { AuthError } from '../errors.js';
import type { Dpop } from './dpop.js';
import type { ClientConfig } from './options.js';

/**
 * The optional protocol features, each provided by an import of its own
 * (`import '@pkce-auth/core/dpop'`), so apps that do not use them bundle neither them nor
 * oauth4webapi's code for them.
 */
export interface Extensions {
  dpop: (config: ClientConfig) => Dpop;
}

const provided: Partial<Extensions> = {};

export function provide<K extends keyof Extensions>(name: K, implementation: Extensions[K]): void {
  provided[name] = implementation;
}

/** @throws AuthError `invalid_config` naming the import when `what` needs a feature not imported. */
export function extension<K extends keyof Extensions>(name: K, what: string): Extensions[K] {
  const found = provided[name];
  if (!found) throw new AuthError('invalid_config', `${what} needs \`import '@pkce-auth/core/${name}'\` once, next to createAuthClient`);
  return found;
}
