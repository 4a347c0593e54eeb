// The main entry must not import react-router (an optional peer: apps without it must build),
// nor anything that does; only @pkce-auth/react/router does.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SPECIFIER = /\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

/** Every module specifier reachable from `entry` through relative imports, bare ones included. */
function reachableSpecifiers(entry: string): Set<string> {
  const seen = new Set<string>();
  const specifiers = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      specifiers.add(spec!);
      if (!spec!.startsWith('.')) continue;
      const base = resolve(dirname(file), spec!).replace(/\.js$/, '');
      const next = [`${base}.ts`, `${base}.tsx`].find((f) => {
        try {
          return readFileSync(f) !== undefined;
        } catch {
          return false;
        }
      });
      if (next) visit(next);
    }
  };
  visit(entry);
  return specifiers;
}

describe('entry points', () => {
  it('the main entry and the testing kit reach no react-router import', () => {
    for (const entry of ['index.ts', 'testing.tsx']) {
      const specifiers = reachableSpecifiers(resolve(SRC, entry));
      expect(specifiers.has('@pkce-auth/core')).toBe(true);
      expect([...specifiers].filter((s) => s.startsWith('react-router'))).toEqual([]);
    }
  });

  it('the router entry imports react-router', () => {
    expect(reachableSpecifiers(resolve(SRC, 'router.ts')).has('react-router')).toBe(true);
  });
});
