// Bundles the same realistic app with each SDK (esbuild, minified, ESM, browser, react external)
// and prints raw, gzip -9 and brotli bytes, then where the realistic app's minified bytes go
// (modules.mjs). `--budget` checks pkce-auth against bench/size-budget.json.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleApp } from './bundle.mjs';
import { moduleReport } from './modules.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const REALISTIC_APP = 'pkce-auth.jsx';
export const apps = [
  ['pkce-auth', REALISTIC_APP],
  ['oauth4webapi (by hand)', 'oauth4webapi.jsx'],
  ['react-oauth2-code-pkce', 'react-oauth2-code-pkce.jsx'],
  ['react-oidc-context + oidc-client-ts', 'react-oidc-context.jsx'],
  ['@auth0/auth0-react', 'auth0-react.jsx'],
  ['@pkce-auth/core alone (no React)', 'core-only.js'],
  ['oauth4webapi: the functions the core uses', 'oauth4webapi-used.js'],
  ['@pkce-auth/react binding alone (core external)', 'react-binding-only.jsx', ['@pkce-auth/core', 'oauth4webapi']],
];

/** Sizes of one app's bundle, and the metafile of that same build (for modules.mjs). */
export async function measure(file, extraExternal = []) {
  const { code, metafile } = await bundleApp(file, extraExternal);
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    metafile,
  };
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

if (process.argv.includes('--budget')) {
  const budget = JSON.parse(readFileSync(join(here, '..', 'size-budget.json'), 'utf8'));
  const size = await measure(REALISTIC_APP);
  const ok = size.gzip <= budget.gzipBytes;
  console.log(`[size] pkce-auth realistic app: ${size.gzip} B gzip -9 (budget ${budget.gzipBytes} B) ${ok ? 'ok' : 'OVER BUDGET'}`);
  process.exit(ok ? 0 : 1);
} else {
  const rows = [];
  for (const [name, file, external] of apps) rows.push([name, file, await measure(file, external)]);
  console.log('| app (react external, esbuild --minify) | raw | gzip -9 | brotli |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, , s] of rows) console.log(`| ${name} | ${kB(s.raw)} | ${kB(s.gzip)} | ${kB(s.brotli)} |`);
  const [, , realistic] = rows.find(([, file]) => file === REALISTIC_APP);
  console.log(`\n${moduleReport(REALISTIC_APP, realistic)}`);
}
