import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'vite-app',
    environment: 'node',
    include: ['server/**/__tests__/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
