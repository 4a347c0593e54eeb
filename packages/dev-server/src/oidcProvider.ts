/** Loading oidc-provider. */
import type { Configuration, Provider, errors } from 'oidc-provider';

export type ProviderConstructor = new (issuer: string, configuration?: Configuration) => Provider;

/** oidc-provider's error classes (`errors.InvalidRequest`, …). */
export type OidcErrors = typeof errors;

/** What {@link loadProvider} gives: the Provider class and the error classes, from one import. */
export interface OidcProviderModule {
  Provider: ProviderConstructor;
  errors: OidcErrors;
}

let providerModule: Promise<OidcProviderModule> | undefined;

/** Imports oidc-provider once, hiding its "unsupported runtime" notice on Node 20 when quiet. */
export function loadProvider(quiet: boolean): Promise<OidcProviderModule> {
  providerModule ??= (async () => {
    const warn = console.warn;
    if (quiet) {
      console.warn = (...args: unknown[]) => {
        if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
        warn(...args);
      };
    }
    try {
      const mod = await import('oidc-provider');
      return { Provider: mod.default as unknown as ProviderConstructor, errors: mod.errors };
    } finally {
      console.warn = warn;
    }
  })();
  return providerModule;
}
