'use client';
/**
 * React bindings for `@pkce-auth/core`, which this package re-exports in full, so an app
 * installs and imports one package.
 *
 * @packageDocumentation
 */
export * from '@pkce-auth/core';
export { AuthProvider, useAuthClient, type AuthProviderProps } from './AuthProvider.js';
export { useAuth, type AuthActions, type UseAuthResult } from './useAuth.js';
export { Callback, type CallbackProps } from './Callback.js';
export { RequireAuth, type RequireAuthProps } from './RequireAuth.js';
export type { AuthErrorFallback } from './AuthErrorFallback.js';
