import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'dev-server',
    environment: 'node',
    include: ['src/**/__tests__/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
