/**
 * DPoP support for `createAuthClient({ dpop: true })`, so apps that install only
 * `@pkce-auth/react` can enable it (see `@pkce-auth/core/dpop`):
 *
 * ```ts
 * import '@pkce-auth/react/dpop';
 * ```
 */
import '@pkce-auth/core/dpop';
