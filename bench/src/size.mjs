// Bundles the same realistic app with each SDK (esbuild, minified, ESM, browser, react external,
// code splitting) and prints raw, gzip -9 and brotli bytes of what the page loads first (the
// entry chunk and the chunks it imports statically), the lazy chunks (loaded only on a dynamic
// `import()`) apart, then where the realistic app's minified bytes go (modules.mjs). `--budget`
// checks the entry of each app of bench/size-budget.json against its budget, and that no chunk of
// an app holds a module of a package its entry `excludes` (the BFF app: oauth4webapi).
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleApp } from './bundle.mjs';
import { moduleReport } from './modules.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const REALISTIC_APP = 'pkce-auth.jsx';
export const DPOP_APP = 'pkce-auth-dpop.jsx';
export const BFF_APP = 'pkce-auth-bff.jsx';
export const apps = [
  ['pkce-auth', REALISTIC_APP],
  ['pkce-auth, `dpop: true`', DPOP_APP],
  ['pkce-auth, BFF mode (createBffClient, no callback route)', BFF_APP],
  ['pkce-auth, signing in with loginWithPopup()', 'pkce-auth-popup.jsx'],
  ['pkce-auth, restoreSession() at start-up', 'pkce-auth-restore.jsx'],
  ['oauth4webapi (by hand)', 'oauth4webapi.jsx'],
  ['react-oauth2-code-pkce', 'react-oauth2-code-pkce.jsx'],
  ['react-oidc-context + oidc-client-ts', 'react-oidc-context.jsx'],
  ['@auth0/auth0-react', 'auth0-react.jsx'],
  ['@pkce-auth/core alone (no React)', 'core-only.js'],
  ['oauth4webapi: the functions the core uses', 'oauth4webapi-used.js'],
  ['@pkce-auth/react binding alone (core external)', 'react-binding-only.jsx', ['@pkce-auth/core', 'oauth4webapi']],
];

const sizesOf = (code) => ({
  raw: code.length,
  gzip: gzipSync(code, { level: 9 }).length,
  brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});
// Chunks are separate files, each compressed on its own as a server sends them: a group's
// compressed size is the sum of its files' compressed sizes.
const sum = (chunks) => ({
  raw: chunks.reduce((n, c) => n + c.raw, 0),
  gzip: chunks.reduce((n, c) => n + c.gzip, 0),
  brotli: chunks.reduce((n, c) => n + c.brotli, 0),
  chunks,
});

/**
 * Sizes of one app's bundle, and the metafile of that same build (for modules.mjs). `raw`,
 * `gzip`, `brotli`: the entry (what the page loads first); `entry` and `lazy`: those sums and
 * their chunks (`{ path, name, entryPoint, raw, gzip, brotli }`); `all`: entry + lazy.
 */
export async function measure(file, extraExternal = []) {
  const { chunks, metafile } = await bundleApp(file, extraExternal);
  const sized = chunks.map(({ code, ...chunk }) => ({ ...chunk, ...sizesOf(code) }));
  const entry = sum(sized.filter((c) => !c.lazy));
  const lazy = sum(sized.filter((c) => c.lazy));
  const all = sum(sized);
  return { raw: entry.raw, gzip: entry.gzip, brotli: entry.brotli, entry, lazy, all, metafile };
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

/** A lazy chunk as a reader knows it: the module it was split at, else its file name. */
const chunkLabel = (c) => (c.entryPoint ? `${c.name} (${c.entryPoint})` : `${c.name} (shared by lazy chunks)`);

/**
 * The modules of `pkg` (an npm package name) in any chunk of `measure()`'s result, entry or lazy,
 * as the metafile lists them: `{ chunk, path, bytes }`, none when the bundle holds nothing of it.
 */
export function modulesOf(pkg, { all, metafile }) {
  return all.chunks.flatMap((c) =>
    Object.entries(metafile.outputs[c.path].inputs)
      .filter(([path]) => path.includes(`node_modules/${pkg}/`))
      .map(([path, { bytesInOutput }]) => ({ chunk: c.name, path, bytes: bytesInOutput })),
  );
}

function readBudget() {
  const budget = JSON.parse(readFileSync(join(here, '..', 'size-budget.json'), 'utf8'));
  const entries = Object.entries(budget.apps ?? {});
  if (entries.length === 0) throw new Error('bench/size-budget.json: no "apps"');
  for (const [name, b] of entries) {
    if (typeof b.app !== 'string' || !Number.isInteger(b.gzipBytes)) throw new Error(`bench/size-budget.json: apps.${name} needs "app" and an integer "gzipBytes"`);
    if (b.excludes !== undefined && !(Array.isArray(b.excludes) && b.excludes.every((p) => typeof p === 'string'))) throw new Error(`bench/size-budget.json: apps.${name}.excludes must be an array of package names`);
  }
  return entries;
}

if (process.argv.includes('--budget')) {
  let over = false;
  for (const [name, b] of readBudget()) {
    const size = await measure(b.app);
    const ok = size.entry.gzip <= b.gzipBytes;
    over ||= !ok;
    console.log(`[size] ${name} (${b.app}): entry ${size.entry.gzip} B gzip (budget ${b.gzipBytes} B) ${ok ? 'ok' : 'OVER BUDGET'}; lazy chunks ${size.lazy.gzip} B gzip`);
    for (const pkg of b.excludes ?? []) {
      const found = modulesOf(pkg, size);
      over ||= found.length > 0;
      console.log(
        found.length
          ? `[size] ${name}: MUST NOT CONTAIN ${pkg}, but its bundle has ${found.map((m) => `${m.path} (${m.bytes} B in ${m.chunk})`).join(', ')}`
          : `[size] ${name}: no module of ${pkg} in any of its ${size.all.chunks.length} chunk(s) (metafile) ok`,
      );
    }
  }
  process.exit(over ? 1 : 0);
} else {
  const rows = [];
  for (const [name, file, external] of apps) rows.push([name, file, await measure(file, external)]);
  console.log('| app (react external, esbuild --minify --splitting) | entry raw | entry gzip -9 | entry brotli | lazy chunks, gzip -9 | entry + lazy, gzip -9 |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, , s] of rows) {
    const lazy = s.lazy.chunks.length ? `${kB(s.lazy.gzip)} (${s.lazy.chunks.length})` : '—';
    console.log(`| ${name} | ${kB(s.raw)} | ${kB(s.gzip)} | ${kB(s.brotli)} | ${lazy} | ${kB(s.all.gzip)} |`);
  }
  console.log(
    '\n"entry": what the page loads before the app runs (the entry chunk and the chunks it imports statically); "lazy chunks": the chunks reachable only through a dynamic `import()`, each gzipped on its own (their count in brackets).',
  );
  const [, , bff] = rows.find(([, file]) => file === BFF_APP);
  const bffOauth = modulesOf('oauth4webapi', bff);
  console.log(`\nBFF mode: ${bffOauth.length ? `oauth4webapi IS in the bundle (${bffOauth.map((m) => m.path).join(', ')})` : 'no oauth4webapi module in the bundle (esbuild metafile, every chunk)'}.`);
  for (const [name, , s] of rows) {
    if (!s.lazy.chunks.length) continue;
    console.log(`\nLazy chunks of ${name}: ${s.lazy.chunks.map((c) => `${chunkLabel(c)} ${c.raw} B, ${c.gzip} B gzip -9`).join('; ')}.`);
  }
  const [, , realistic] = rows.find(([, file]) => file === REALISTIC_APP);
  console.log(`\n${moduleReport(REALISTIC_APP, realistic)}`);
}
