/** Loading oidc-provider. */
import type { Configuration, Provider, errors } from 'oidc-provider';

export type ProviderConstructor = new (issuer: string, configuration?: Configuration) => Provider;

/** oidc-provider's error classes (`errors.InvalidRequest`, …). */
export type OidcErrors = typeof errors;

let providerModule: Promise<ProviderConstructor> | undefined;

/** Imports oidc-provider once, hiding its "unsupported runtime" notice on Node 20 when quiet. */
export function loadProvider(quiet: boolean): Promise<ProviderConstructor> {
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
      return mod.default as unknown as ProviderConstructor;
    } finally {
      console.warn = warn;
    }
  })();
  return providerModule;
}

/** oidc-provider's error classes; imported after {@link loadProvider}, which silences its notice. */
export async function loadErrors(): Promise<OidcErrors> {
  return (await import('oidc-provider')).errors;
}
