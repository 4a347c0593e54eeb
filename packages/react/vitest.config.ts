import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const coreSource = fileURLToPath(new URL('../core/src/index.ts', import.meta.url));

/**
 * Unit tests of @pkce-auth/react on React 19. The core is aliased to its source, so these tests
 * run against the core as it is, without building it first.
 */
export default defineProject({
  resolve: {
    alias: [{ find: /^@pkce-auth\/core$/, replacement: coreSource }],
  },
  test: {
    name: 'react',
    environment: 'jsdom',
    include: ['src/**/__tests__/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/__tests__/setup.ts'],
  },
});
