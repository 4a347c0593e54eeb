import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const source = (pkg: string) => fileURLToPath(new URL(`../${pkg}/src/index.ts`, import.meta.url));

/**
 * Unit and HTTP-level tests of @pkce-auth/bff, in Node. The core and the dev server are aliased
 * to their sources, so these tests run against them as they are, without building them first.
 */
export default defineProject({
  resolve: {
    alias: [
      { find: /^@pkce-auth\/core$/, replacement: source('core') },
      { find: /^@pkce-auth\/dev-server$/, replacement: source('dev-server') },
    ],
  },
  test: {
    name: 'bff',
    environment: 'node',
    include: ['src/**/__tests__/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
