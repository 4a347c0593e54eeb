// Type tests of the public API, checked by `tsc -b` (a failed expectation is a type error).
import { expectTypeOf } from 'vitest';
import type { LoaderFunctionArgs } from 'react-router';
import { AuthError, createAuthClient, useAuth, type AuthState, type AuthUser, type CallbackResult, type PopupLoginOptions } from '../index.js';
import { callbackLoader, requireAuth, type PopupCallbackData } from '../router.js';
import { createMockAuthClient } from '../testing.js';

declare const opts: Parameters<typeof createAuthClient>[0];

// Named like a hook so the rules of hooks accept the useAuth calls; it is never called.
export function useTypeTests(): void {
  // useAuth(selector) infers the selected type.
  expectTypeOf(useAuth((s) => s.user)).toEqualTypeOf<AuthUser | null>();
  expectTypeOf(useAuth((s) => s.tokens?.accessToken)).toEqualTypeOf<string | undefined>();
  expectTypeOf(useAuth((s) => s.status)).toEqualTypeOf<'loading' | 'authenticated' | 'unauthenticated' | 'error'>();

  // useAuth() is the state plus the flags and bound actions.
  const auth = useAuth();
  expectTypeOf(auth).toMatchTypeOf<AuthState>();
  expectTypeOf(auth.isLoading).toEqualTypeOf<boolean>();
  expectTypeOf(auth.isAuthenticated).toEqualTypeOf<boolean>();
  expectTypeOf(auth.getAccessToken).returns.toEqualTypeOf<Promise<string>>();
  expectTypeOf(auth.login).parameter(0).toEqualTypeOf<{ returnTo?: string; params?: Record<string, string> } | undefined>();

  // Popup login and session restore are bound actions too.
  expectTypeOf(auth.loginWithPopup).parameter(0).toEqualTypeOf<PopupLoginOptions | undefined>();
  expectTypeOf(auth.loginWithPopup).returns.toEqualTypeOf<Promise<void>>();
  expectTypeOf(auth.restoreSession).toEqualTypeOf<() => Promise<void>>();
  expectTypeOf<CallbackResult['popup']>().toEqualTypeOf<true | undefined>();

  // @pkce-auth/react/router: requireAuth passes the loader's data through; callbackLoader redirects.
  const client = createAuthClient(opts);
  const guarded = requireAuth(client, () => ({ notes: ['a'] }));
  expectTypeOf(guarded).parameter(0).toEqualTypeOf<LoaderFunctionArgs>();
  expectTypeOf(guarded).returns.toEqualTypeOf<Promise<{ notes: string[] } | null>>();
  expectTypeOf(requireAuth(client)).returns.toEqualTypeOf<Promise<null>>();
  expectTypeOf(callbackLoader(client)).returns.toEqualTypeOf<Promise<Response | PopupCallbackData>>();

  // AuthError['code'] is the closed union of the contract.
  expectTypeOf<AuthError['code']>().toEqualTypeOf<
    | 'invalid_config'
    | 'discovery_failed'
    | 'invalid_return_to'
    | 'state_mismatch'
    | 'authorization_error'
    | 'issuer_mismatch'
    | 'token_error'
    | 'invalid_token_response'
    | 'invalid_id_token'
    | 'network_error'
    | 'login_required'
    | 'revocation_refused'
    | 'login_cancelled'
  >();
  expectTypeOf(new AuthError('login_required', 'x')).toMatchTypeOf<Error>();

  // The config rejects unknown storage names, and accepts a StorageLike.
  // @ts-expect-error 'cookie' is not a storage
  createAuthClient({ ...opts, storage: 'cookie' });
  createAuthClient({ ...opts, storage: 'local' });
  createAuthClient({ ...opts, storage: { getItem: () => null, setItem: () => {}, removeItem: () => {} } });
  // @ts-expect-error clientId is required
  createAuthClient({ redirectUri: 'http://localhost/callback', issuer: 'https://a.example' });

  // The refresh token is never part of the state.
  expectTypeOf<NonNullable<AuthState['tokens']>>().not.toHaveProperty('refreshToken');

  // The mock client satisfies the client contract.
  expectTypeOf(createMockAuthClient()).toMatchTypeOf<ReturnType<typeof createAuthClient>>();
}
