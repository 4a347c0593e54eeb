// Loaded by setup.ts in the `react18` project (vitest.react18.config.ts). pnpm resolves
// react-dom-18's peer `react` to React 19 (this package's own dev dependency), so route every
// CommonJS `require` of react / react-dom in this worker to the 18.3 copies: one React runs the tree.
import Module, { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);
const aliases: Record<string, string> = { react: 'react-18', 'react-dom': 'react-dom-18' };

type Resolve = (request: string, ...rest: unknown[]) => string;
const resolver = Module as unknown as { _resolveFilename: Resolve };
const original = resolver._resolveFilename;
resolver._resolveFilename = function (request, ...rest) {
  const match = /^(react|react-dom)(\/.*)?$/.exec(request);
  if (match) return requireHere.resolve(`${aliases[match[1]!]}${match[2] ?? ''}`);
  return original.call(this, request, ...rest);
};
