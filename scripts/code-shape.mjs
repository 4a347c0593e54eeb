// The shape of shipped code: each source file's line count and its longest function, measured
// with the project's TypeScript parser. `--check` exits 1 when a file is over MAX_FILE_LINES or a
// function over MAX_FUNCTION_LINES, so the module split cannot silently grow back.
//
//   node scripts/code-shape.mjs [--check] [dir …]     (default dir: packages/core/src)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const MAX_FILE_LINES = 250;
const MAX_FUNCTION_LINES = 60;

const isSource = (name) => /\.tsx?$/.test(name) && !/\.(test|test-d)\.tsx?$/.test(name) && !name.endsWith('.d.ts');

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === '__tests__' || name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return isSource(name) ? [path] : [];
  });
}

function functionName(node, sf) {
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  return '(anonymous)';
}

/** Every function with a body in `file`, with its length in lines (nested functions included). */
function functionsOf(file) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.end).line;
      found.push({ name: functionName(node, sf), line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { lines: sf.getLineAndCharacterOfPosition(sf.end).line + 1, functions: found };
}

function measure(dirs) {
  return dirs.flatMap((dir) =>
    sourceFiles(dir).map((file) => {
      const { lines, functions } = functionsOf(file);
      const longest = functions.reduce((a, b) => (b.lines > a.lines ? b : a), { name: '—', line: 0, lines: 0 });
      return { file: relative(process.cwd(), file), lines, longest };
    }),
  );
}

const args = process.argv.slice(2);
const check = args.includes('--check');
const dirs = args.filter((a) => a !== '--check');
const rows = measure(dirs.length ? dirs : ['packages/core/src']).sort((a, b) => a.file.localeCompare(b.file));

console.log('| file | lines | longest function | its lines |\n| --- | ---: | --- | ---: |');
for (const { file, lines, longest } of rows) console.log(`| ${file} | ${lines} | ${longest.name} (line ${longest.line}) | ${longest.lines} |`);
const longestFn = rows.reduce((a, b) => (b.longest.lines > a.longest.lines ? b : a));
console.log(`\n${rows.length} files, ${rows.reduce((n, r) => n + r.lines, 0)} lines; longest file ${Math.max(...rows.map((r) => r.lines))} lines; longest function ${longestFn.longest.name} in ${longestFn.file}, ${longestFn.longest.lines} lines`);

const tooLong = [
  ...rows.filter((r) => r.lines > MAX_FILE_LINES).map((r) => `${r.file}: ${r.lines} lines (max ${MAX_FILE_LINES})`),
  ...rows.filter((r) => r.longest.lines > MAX_FUNCTION_LINES).map((r) => `${r.file}:${r.longest.line} ${r.longest.name}: ${r.longest.lines} lines (max ${MAX_FUNCTION_LINES})`),
];
if (check && tooLong.length) {
  console.error(`\nOver the limits:\n${tooLong.map((t) => `- ${t}`).join('\n')}`);
  process.exit(1);
}
