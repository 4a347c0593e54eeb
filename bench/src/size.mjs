// Bundles the same realistic app with each SDK (esbuild, minified, ESM, browser, react external)
// and prints raw, gzip -9 and brotli bytes. `--budget` checks pkce-auth against bench/size-budget.json.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const apps = [
  ['pkce-auth', 'pkce-auth.jsx'],
  ['oauth4webapi (by hand)', 'oauth4webapi.jsx'],
  ['react-oauth2-code-pkce', 'react-oauth2-code-pkce.jsx'],
  ['react-oidc-context + oidc-client-ts', 'react-oidc-context.jsx'],
  ['@auth0/auth0-react', 'auth0-react.jsx'],
  ['@pkce-auth/core alone (no React)', 'core-only.js'],
  ['oauth4webapi: the functions the core uses', 'oauth4webapi-used.js'],
  ['@pkce-auth/react binding alone (core external)', 'react-binding-only.jsx', ['@pkce-auth/core', 'oauth4webapi']],
];

export async function measure(file, extraExternal = []) {
  const result = await build({
    entryPoints: [join(here, '..', 'apps', file)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    write: false,
    logLevel: 'silent',
    external: ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client', ...extraExternal],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const code = result.outputFiles[0].contents;
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

if (process.argv.includes('--budget')) {
  const budget = JSON.parse(readFileSync(join(here, '..', 'size-budget.json'), 'utf8'));
  const size = await measure('pkce-auth.jsx');
  const ok = size.gzip <= budget.gzipBytes;
  console.log(`[size] pkce-auth realistic app: ${size.gzip} B gzip -9 (budget ${budget.gzipBytes} B) ${ok ? 'ok' : 'OVER BUDGET'}`);
  process.exit(ok ? 0 : 1);
} else {
  const rows = [];
  for (const [name, file, external] of apps) rows.push([name, await measure(file, external)]);
  console.log('| app (react external, esbuild --minify) | raw | gzip -9 | brotli |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, s] of rows) console.log(`| ${name} | ${kB(s.raw)} | ${kB(s.gzip)} | ${kB(s.brotli)} |`);
}
