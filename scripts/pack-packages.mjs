#!/usr/bin/env node
// `pnpm pack:packages`: packs the built packages into packed/*.tgz, as npm would publish them,
// and prints the line that installs them into another app (README "Use it in your own app").
// Until the packages are on npm this is how an app outside this repo uses them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
export const PACKED = join(root, 'packed');
const PACKAGES = ['core', 'react', 'bff', 'dev-server'];

/** Packs every package into `dir` (emptied first); returns the tarballs' absolute paths by package dir name. */
export function packPackages(dir = PACKED) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const name of PACKAGES) execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: join(root, 'packages', name), stdio: 'ignore' });
  return tarballsIn(dir);
}

/** The tarballs in `dir` by package dir name (`core`, `react`, …); throws when one is missing. */
export function tarballsIn(dir) {
  const files = readdirSync(dir);
  return Object.fromEntries(
    PACKAGES.map((name) => {
      const file = files.find((f) => f.startsWith(`pkce-auth-${name}-`) && f.endsWith('.tgz'));
      if (!file) throw new Error(`no pkce-auth-${name}-*.tgz in ${dir}: run pnpm pack:packages`);
      return [name, join(dir, file)];
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tarballs = packPackages();
  console.log(`Packed into ${PACKED}. In your app:\n\n  npm install ${tarballs.core} ${tarballs.react}\n`);
  console.log(`(@pkce-auth/bff: ${tarballs.bff})`);
}
