// The one esbuild build every size figure comes from: an app of bench/apps bundled for the
// browser (minified, ESM, es2022, production React, react external). size.mjs compresses its
// output; modules.mjs reads its metafile. Paths in the metafile are relative to the repo root.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** How every bench bundle is built for the browser: minified ESM for es2022, production React. */
export const BROWSER_BUILD = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  logLevel: 'silent',
  define: { 'process.env.NODE_ENV': '"production"' },
};

/** Bundles bench/apps/`file`; resolves to `{ code, metafile }` (code: the minified bytes). */
export async function bundleApp(file, extraExternal = []) {
  const result = await build({
    ...BROWSER_BUILD,
    entryPoints: [join(ROOT, 'bench', 'apps', file)],
    absWorkingDir: ROOT,
    write: false,
    metafile: true,
    external: ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client', ...extraExternal],
  });
  return { code: result.outputFiles[0].contents, metafile: result.metafile };
}
