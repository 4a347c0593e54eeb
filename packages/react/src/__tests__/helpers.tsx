import type { ReactNode } from 'react';
import { render, type RenderOptions, type RenderResult } from '@testing-library/react';
import type { AuthClient } from '@pkce-auth/core';
import { AuthProvider } from '../AuthProvider.js';

/**
 * Renders `ui` inside an <AuthProvider> when a client is given. <StrictMode> wraps every render
 * at the root by default (`configure({ reactStrictMode: true })` in setup.ts).
 */
export function renderStrict(
  ui: ReactNode,
  { client, ...options }: { client?: AuthClient } & RenderOptions = {},
): RenderResult {
  const wrapper = ({ children }: { children: ReactNode }) =>
    client ? <AuthProvider client={client}>{children}</AuthProvider> : <>{children}</>;
  return render(ui, { wrapper, ...options });
}

/** A promise with its resolve/reject exposed. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
