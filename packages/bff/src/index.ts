/**
 * `@pkce-auth/bff`: a Backend for Frontend for pkce-auth apps (Node ≥ 20).
 *
 * @packageDocumentation
 */
export type { SessionStore } from './store.js';
export { memoryStore } from './stores/memory.js';
export type { MemoryStoreOptions } from './stores/memory.js';
