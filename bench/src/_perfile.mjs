import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const here = dirname(fileURLToPath(import.meta.url));
const r = await build({
  entryPoints: [join(here, '..', 'apps', 'pkce-auth.jsx')],
  bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', jsx: 'automatic',
  write: false, logLevel: 'silent', metafile: true,
  external: ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client'],
  define: { 'process.env.NODE_ENV': '"production"' },
});
const code = r.outputFiles[0].contents;
console.log('total raw', code.length, 'gzip', gzipSync(code, { level: 9 }).length);
for (const out of Object.values(r.metafile.outputs)) {
  const rows = Object.entries(out.inputs).map(([k, v]) => [v.bytesInOutput, k]).sort((a, b) => b[0] - a[0]);
  for (const [b, k] of rows) console.log(String(b).padStart(7), k.replace(/.*node_modules\//, 'nm/'));
}
if (process.argv[2]) { const fs = await import('node:fs'); fs.writeFileSync(process.argv[2], code); }
