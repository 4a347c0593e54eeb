/**
 * `@pkce-auth/bff`: a Backend for Frontend for pkce-auth apps (Node ≥ 20). The login runs at the
 * server, the session lives behind an HttpOnly cookie, encrypted at rest, and API calls go through
 * a proxy that attaches the access token: no token ever reaches the browser. In the browser,
 * `createBffClient` from `@pkce-auth/core` talks to it.
 *
 * @packageDocumentation
 */
export { createBff } from './createBff.js';
export type { Bff } from './createBff.js';
export type { NextFunction } from './node.js';
export type { BffApi, BffOptions } from './options.js';
export { StoreError } from './store.js';
export type { SessionStore, StoredValue } from './store.js';
export { memoryStore } from './stores/memory.js';
export type { MemoryStoreOptions } from './stores/memory.js';
export { redisStore } from './stores/redis.js';
export type { RedisCommandClient, RedisStore, RedisStoreOptions, RedisStoreTuning } from './stores/redis.js';
