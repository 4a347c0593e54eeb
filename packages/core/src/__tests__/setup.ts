import { afterAll, afterEach, beforeAll } from 'vitest';
import { server } from './msw.js';
import { clearDiscoveryCache } from '../protocol/discovery.js';
import { liveClients } from './fixtures.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  for (const client of liveClients) client.destroy();
  liveClients.clear();
  server.resetHandlers();
  clearDiscoveryCache();
  globalThis.sessionStorage?.clear();
  globalThis.localStorage?.clear();
});
afterAll(() => server.close());
