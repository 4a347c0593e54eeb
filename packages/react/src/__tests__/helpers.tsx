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

/**
 * For a test that expects a render to throw: keeps that error's reports out of the test output
 * (React's console.error, and under React 18 jsdom's "uncaught" report of the render React
 * replays in a fake event to capture what it throws, which React then rethrows to the test or
 * the boundary). Returns the console.error calls, to assert; call `restore()` afterwards.
 */
export function expectRenderError(): { logged: unknown[][]; restore(): void } {
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void logged.push(args);
  const cancel = (event: ErrorEvent) => event.preventDefault();
  window.addEventListener('error', cancel);
  return {
    logged,
    restore() {
      console.error = original;
      window.removeEventListener('error', cancel);
    },
  };
}
