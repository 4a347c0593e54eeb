/**
 * DPoP (RFC 9449) for `createAuthClient({ dpop: true })`. Import it once, next to the client;
 * apps without DPoP then bundle none of it:
 *
 * ```ts
 * import '@pkce-auth/core/dpop';
 * ```
 */
import { createDpop } from './client/dpop.js';
import { provideDpop } from './client/extensions.js';

provideDpop(createDpop);
