import { afterAll, afterEach, beforeAll } from 'vitest';
import { server } from './msw.js';
import { clearDiscoveryCache } from '../protocol.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  clearDiscoveryCache();
  globalThis.sessionStorage?.clear();
  globalThis.localStorage?.clear();
});
afterAll(() => server.close());
