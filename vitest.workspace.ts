// The test projects of the monorepo. Vitest >= 4 no longer reads this file by itself:
// vitest.config.ts passes this list to `test.projects`.
export default [
  'packages/core',
  'packages/react',
  'packages/react/vitest.react18.config.ts',
  'packages/dev-server',
  'packages/bff',
  'examples/vite-app',
];
