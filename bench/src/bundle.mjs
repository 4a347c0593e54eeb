// The one esbuild build every size figure comes from: an app of bench/apps bundled for the
// browser (minified, ESM, es2022, production React, react external) with code splitting, so a
// dynamic `import()` in the core becomes a chunk of its own, as it would in the app's own build,
// instead of being inlined into the one file. size.mjs compresses the chunks; modules.mjs reads
// the metafile. Paths in the metafile are relative to the repo root.
import { build } from 'esbuild';
import { dirname, join, relative } from 'node:path';
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

// Never written (`write: false`), but splitting needs an output directory to name chunks in.
const OUTDIR = join(ROOT, 'bench', '.size-out');

/**
 * The output files a page loads before the app runs: the entry chunk and, transitively, the
 * chunks it imports with `import` statements. Every other chunk is reachable only through a
 * dynamic `import()` somewhere (the lazy chunks).
 */
function entryClosure(outputs, entryPath) {
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const { path: to, kind } of outputs[path].imports) if (kind === 'import-statement' && to in outputs) visit(to);
  };
  visit(entryPath);
  return seen;
}

/**
 * Bundles bench/apps/`file` with splitting; resolves to `{ chunks, metafile }`. `chunks`: one per
 * output file, the entry first, then the other entry chunks, then the lazy ones, each
 * `{ path, name, lazy, entryPoint, code }`: `path` is the metafile's key for it (relative to the
 * repo root), `name` its file name, `lazy` whether the page loads it only on a dynamic `import()`,
 * `entryPoint` the module it was split at (the app, or the dynamically imported module; none for
 * a chunk of code shared between chunks), `code` its minified bytes.
 */
export async function bundleApp(file, extraExternal = []) {
  const app = join(ROOT, 'bench', 'apps', file);
  const result = await build({
    ...BROWSER_BUILD,
    entryPoints: [app],
    absWorkingDir: ROOT,
    splitting: true,
    outdir: OUTDIR,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    write: false,
    metafile: true,
    external: ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client', ...extraExternal],
  });
  const { outputs } = result.metafile;
  const appInput = relative(ROOT, app);
  const entryPath = Object.keys(outputs).find((path) => outputs[path].entryPoint === appInput);
  if (!entryPath) throw new Error(`no output chunk has ${appInput} as its entry point`);
  const loadedFirst = entryClosure(outputs, entryPath);
  const chunks = result.outputFiles.map((out) => {
    const path = relative(ROOT, out.path);
    if (!(path in outputs)) throw new Error(`esbuild wrote ${path}, which its metafile does not list`);
    const name = relative(relative(ROOT, OUTDIR), path);
    return { path, name, lazy: !loadedFirst.has(path), entryPoint: outputs[path].entryPoint, code: out.contents };
  });
  const order = (c) => (c.path === entryPath ? 0 : c.lazy ? 2 : 1);
  chunks.sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
  return { chunks, metafile: result.metafile };
}
