// Where the realistic app's minified bytes come from, as a map for size work: one row per module
// of @pkce-auth/core (its path in packages/core/dist), totals for oauth4webapi, @pkce-auth/react
// and the app itself, and a total equal to the bundle's minified size. Read from the metafile of
// the very build size.mjs measures (`measure()` → bundle.mjs), so nothing is bundled twice.
import { table } from './lib.mjs';

const CORE_DIST = 'packages/core/dist/';
const REACT_DIST = 'packages/react/dist/';

/** The npm package a path inside node_modules belongs to (the last node_modules wins: pnpm). */
function packageOf(path) {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const parts = path.slice(at + 'node_modules/'.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** The row a metafile input (path relative to the repo root) is counted in. */
function rowOf(path) {
  if (path.startsWith(CORE_DIST)) return { core: true, name: path.slice(CORE_DIST.length) };
  if (path.startsWith(REACT_DIST)) return { name: '@pkce-auth/react (all modules)' };
  const pkg = packageOf(path);
  return { name: pkg ? `${pkg} (all modules)` : `${path} (the app itself)` };
}

const add = (map, key, bytes) => map.set(key, (map.get(key) ?? 0) + bytes);
const total = (map) => [...map.values()].reduce((a, b) => a + b, 0);
const biggestFirst = (map) => [...map].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));

/** Minified bytes per row from `measure()`'s result `{ raw, gzip, metafile }` of one app. */
export function moduleBreakdown({ raw, gzip, metafile }) {
  const outputs = Object.values(metafile.outputs);
  if (outputs.length !== 1) throw new Error(`expected one output file, got ${outputs.length}`);
  const [output] = outputs;
  if (output.bytes !== raw) throw new Error(`metafile says ${output.bytes} B, the measured code is ${raw} B`);
  const core = new Map();
  const others = new Map();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const row = rowOf(path);
    add(row.core ? core : others, row.name, bytesInOutput);
  }
  const shaken = Object.keys(metafile.inputs).filter((p) => p.startsWith(CORE_DIST) && !(p in output.inputs));
  return {
    raw,
    gzip,
    core: biggestFirst(core),
    coreBytes: total(core),
    others: biggestFirst(others),
    unattributed: raw - total(core) - total(others),
    shaken: shaken.map((p) => p.slice(CORE_DIST.length)).sort(),
  };
}

const percent = (bytes, raw) => `${((100 * bytes) / raw).toFixed(1)} %`;
// An estimate, not a measurement: the bundle's gzip size shared out by minified bytes.
const gzipShare = (bytes, { raw, gzip }) => `≈ ${Math.round((gzip * bytes) / raw)}`;

/** The breakdown as a markdown table (biggest first within @pkce-auth/core). */
export function moduleTable(b) {
  const row = (name, bytes) => [name, bytes, percent(bytes, b.raw), gzipShare(bytes, b)];
  return table(
    ['module (@pkce-auth/core: path in packages/core/dist)', 'minified B', 'share', 'est. gzip B'],
    [
      ...b.core.map(([name, bytes]) => row(name, bytes)),
      row(`**@pkce-auth/core, ${b.core.length} modules**`, b.coreBytes),
      ...b.others.map(([name, bytes]) => row(name, bytes)),
      row('not attributed to any input (esbuild output glue)', b.unattributed),
      [`**total = the bundle's minified size**`, b.raw, '100 %', `${b.gzip} (measured)`],
    ],
  );
}

const NOTE = `Minified bytes are esbuild's \`bytesInOutput\` for each input of the same build as the pkce-auth row above (metafile of \`measure()\`), so they add up exactly to the bundle's minified size. gzip cannot be split per module exactly: it compresses the whole file as one stream, and how well a module's bytes compress depends on what came before them. "est. gzip B" is only an estimate: the bundle's measured gzip -9 size × the row's share of the minified bytes, i.e. it assumes every module compresses like the bundle on average. The "@pkce-auth/core alone" row above is a different bundle (core-only.js, which uses more of the client).`;

/** Heading, table and note for `measure()`'s result `size` of bench/apps/`file`. */
export function moduleReport(file, size) {
  const b = moduleBreakdown(size);
  const shaken = b.shaken.length ? `\n\n@pkce-auth/core modules esbuild read but left out entirely (tree-shaken): ${b.shaken.join(', ')}.` : '';
  return `**Where the realistic app's ${b.raw} minified bytes go** (${file}, ${b.gzip} B gzip -9)\n\n${moduleTable(b)}\n\n${NOTE}${shaken}`;
}
