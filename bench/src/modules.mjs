// Where the realistic app's minified bytes come from, as a map for size work: one row per module
// of @pkce-auth/core (its path in packages/core/dist) and per chunk it lands in (the entry, or a
// lazy chunk loaded only on a dynamic `import()`), totals for oauth4webapi, @pkce-auth/react and
// the app itself, and totals equal to the entry's, the lazy chunks' and all chunks' minified
// size. Read from the metafile of the very build size.mjs measures (`measure()` → bundle.mjs),
// so nothing is bundled twice.
import { table } from './lib.mjs';

const CORE_DIST = 'packages/core/dist/';
const REACT_DIST = 'packages/react/dist/';
const ENTRY = 'entry';

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

// A row is one (name, where) pair: a module split by esbuild across the entry and a lazy chunk
// (it splits by top-level statement) gets a row for each. `gzip` is the estimate (see NOTE).
const add = (map, name, where, bytes, gzip) => {
  const key = `${where}\0${name}`;
  const row = map.get(key) ?? { name, where, bytes: 0, gzip: 0 };
  row.bytes += bytes;
  row.gzip += gzip;
  map.set(key, row);
};
const total = (rows) => rows.reduce((n, r) => n + r.bytes, 0);
const totalGzip = (rows) => rows.reduce((n, r) => n + r.gzip, 0);
// The entry's rows first, then the lazy ones; biggest first within each.
const inOrder = (map) =>
  [...map.values()].sort((a, b) => (a.where === ENTRY ? 0 : 1) - (b.where === ENTRY ? 0 : 1) || b.bytes - a.bytes || a.where.localeCompare(b.where) || a.name.localeCompare(b.name));

/**
 * Minified bytes per row from `measure()`'s result `{ entry, lazy, all, metafile }` of one app
 * (see size.mjs): each chunk's inputs as the metafile lists them, counted where they are loaded.
 */
export function moduleBreakdown({ entry, lazy, all, metafile }) {
  const core = new Map();
  const others = new Map();
  const glue = new Map();
  const inputsSeen = new Set();
  for (const chunk of all.chunks) {
    const output = metafile.outputs[chunk.path];
    if (!output) throw new Error(`the metafile has no output ${chunk.path}`);
    if (output.bytes !== chunk.raw) throw new Error(`metafile says ${chunk.path} is ${output.bytes} B, the measured code is ${chunk.raw} B`);
    const where = chunk.lazy ? `lazy: ${chunk.name}` : ENTRY;
    const gzipOf = (bytes) => (chunk.raw ? (chunk.gzip * bytes) / chunk.raw : 0);
    let attributed = 0;
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      inputsSeen.add(path);
      attributed += bytesInOutput;
      const row = rowOf(path);
      add(row.core ? core : others, row.name, where, bytesInOutput, gzipOf(bytesInOutput));
    }
    add(glue, 'not attributed to any input (esbuild output glue)', chunk.lazy ? 'lazy chunks' : ENTRY, chunk.raw - attributed, gzipOf(chunk.raw - attributed));
  }
  const coreRows = inOrder(core);
  const lazyOnly = new Set(coreRows.filter((r) => r.where !== ENTRY).map((r) => r.name));
  for (const r of coreRows) if (r.where === ENTRY) lazyOnly.delete(r.name);
  const shaken = Object.keys(metafile.inputs).filter((p) => p.startsWith(CORE_DIST) && !inputsSeen.has(p));
  return {
    entry: { raw: entry.raw, gzip: entry.gzip, files: entry.chunks.length },
    lazy: { raw: lazy.raw, gzip: lazy.gzip, files: lazy.chunks.length },
    all: { raw: all.raw, gzip: all.gzip },
    core: coreRows,
    coreModules: new Set(coreRows.map((r) => r.name)).size,
    others: inOrder(others),
    glue: inOrder(glue).filter((r) => r.bytes > 0 || r.where === ENTRY),
    lazyOnly: [...lazyOnly].sort(),
    shaken: shaken.map((p) => p.slice(CORE_DIST.length)).sort(),
  };
}

const percent = (bytes, raw) => `${((100 * bytes) / raw).toFixed(1)} %`;
// An estimate, not a measurement: each chunk's gzip size shared out by minified bytes.
const estimate = (gzip) => `≈ ${Math.round(gzip)}`;

/** The breakdown as a markdown table (entry rows, then lazy ones, biggest first within each). */
export function moduleTable(b) {
  const row = (r) => [r.name, r.where, r.bytes, percent(r.bytes, b.all.raw), estimate(r.gzip)];
  const lazyCore = b.core.filter((r) => r.where !== ENTRY);
  const coreNote = lazyCore.length ? `, ${total(lazyCore)} B of it in lazy chunks` : '';
  const totals = b.lazy.files
    ? [
        [`**entry = what the page loads first** (${b.entry.files} file${b.entry.files === 1 ? '' : 's'})`, ENTRY, b.entry.raw, percent(b.entry.raw, b.all.raw), `${b.entry.gzip} (measured)`],
        [`**lazy chunks** (${b.lazy.files} file${b.lazy.files === 1 ? '' : 's'})`, 'lazy', b.lazy.raw, percent(b.lazy.raw, b.all.raw), `${b.lazy.gzip} (measured)`],
        [`**total = all chunks' minified size**`, '', b.all.raw, '100 %', `${b.all.gzip} (measured)`],
      ]
    : [[`**total = the entry's minified size** (no lazy chunks)`, ENTRY, b.all.raw, '100 %', `${b.all.gzip} (measured)`]];
  return table(
    ['module (@pkce-auth/core: path in packages/core/dist)', 'loaded in', 'minified B', 'share', 'est. gzip B'],
    [
      ...b.core.map(row),
      [`**@pkce-auth/core, ${b.coreModules} modules**${coreNote}`, '', total(b.core), percent(total(b.core), b.all.raw), estimate(totalGzip(b.core))],
      ...b.others.map(row),
      ...b.glue.map(row),
      ...totals,
    ],
    ['---', '---', '---:', '---:', '---:'],
  );
}

const NOTE = `Minified bytes are esbuild's \`bytesInOutput\` for each input of each chunk of the same build as the pkce-auth row above (metafile of \`measure()\`, code splitting on), so they add up exactly to the chunks' minified size. "loaded in": \`entry\` is what the page loads before the app runs (the entry chunk and the chunks it imports statically), \`lazy: <file>\` a chunk reachable only through a dynamic \`import()\`. Shares are of all chunks' minified bytes. gzip cannot be split per module exactly: it compresses each file as one stream, and how well a module's bytes compress depends on what came before them. "est. gzip B" is only an estimate: the measured gzip -9 size of the chunk the bytes are in × their share of that chunk's minified bytes, i.e. it assumes every module compresses like its chunk on average. The "@pkce-auth/core alone" row above is a different bundle (core-only.js, which uses more of the client).`;

/** Heading, table and note for `measure()`'s result `size` of bench/apps/`file`. */
export function moduleReport(file, size) {
  const b = moduleBreakdown(size);
  const lazy = b.lazy.files ? ` + ${b.lazy.raw} B in ${b.lazy.files} lazy chunk${b.lazy.files === 1 ? '' : 's'} (${b.lazy.gzip} B gzip -9)` : '';
  const lazyOnly = b.lazyOnly.length
    ? `\n\n@pkce-auth/core modules loaded only through a dynamic \`import()\` (in lazy chunks, not in the entry): ${b.lazyOnly.join(', ')}.`
    : b.lazy.files
      ? ''
      : '\n\nNo lazy chunks: every @pkce-auth/core module the app keeps is in the entry.';
  const shaken = b.shaken.length ? `\n\n@pkce-auth/core modules esbuild read but left out entirely (tree-shaken): ${b.shaken.join(', ')}.` : '';
  return `**Where the realistic app's minified bytes go** (${file}: entry ${b.entry.raw} B, ${b.entry.gzip} B gzip -9${lazy})\n\n${moduleTable(b)}\n\n${NOTE}${lazyOnly}${shaken}`;
}
