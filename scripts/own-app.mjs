#!/usr/bin/env node
// Runs the README's "Use it in your own app" recipe as a newcomer would, and fails when any step
// of it does not work: packs the packages (scripts/pack-packages.mjs), makes a fresh Vite + React
// app in a scratch folder from the README's own code blocks (`// src/…` first lines), installs the
// tarballs with npm, builds it, starts `APP_ORIGINS=http://localhost:5190 pnpm dev` from this
// checkout, serves the app on :5190, and in Chromium signs in (demo / demo), reads the notes
// through the notes API, and signs out. Prints the time of each step. Bounded: every wait has a
// deadline, and every process it starts is stopped at the end, whatever happened.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { PACKED, tarballsIn } from './pack-packages.mjs';

const root = resolve(import.meta.dirname, '..');
const APP = 'http://localhost:5190';
const ISSUER = 'http://127.0.0.1:4000';
const STEP_TIMEOUT_MS = 60_000;
const started = Date.now();
const children = [];

function step(name, since) {
  console.log(`[own-app] ${name}: ${((Date.now() - since) / 1000).toFixed(1)} s`);
}

/** The README's code blocks for the recipe: `{ 'src/auth.ts': '…' }`. */
export function recipeFiles(readme) {
  const section = readme.slice(readme.indexOf('## Use it in your own app'), readme.indexOf('\n## ', readme.indexOf('## Use it in your own app') + 5));
  const files = {};
  for (const [, body] of section.matchAll(/```tsx?\n([\s\S]*?)```/g)) {
    const path = /^\/\/ (src\/\S+)/.exec(body)?.[1];
    if (path) files[path] = body;
  }
  for (const need of ['src/auth.ts', 'src/main.tsx', 'src/pages.tsx']) if (!files[need]) throw new Error(`README "Use it in your own app" lacks a block starting "// ${need}"`);
  return files;
}

function writeApp(dir, tarballs) {
  const pkg = {
    name: 'my-app',
    private: true,
    type: 'module',
    dependencies: { '@pkce-auth/core': `file:${tarballs.core}`, '@pkce-auth/react': `file:${tarballs.react}`, react: '^19.3.0', 'react-dom': '^19.3.0', 'react-router-dom': '^7.18.6' },
    devDependencies: { vite: '^8.3.8', '@vitejs/plugin-react': '^6.3.0' },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  writeFileSync(join(dir, 'vite.config.js'), "import react from '@vitejs/plugin-react';\nexport default { plugins: [react()], preview: { port: 5190, host: 'localhost', strictPort: true } };\n");
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>\n');
  for (const [path, body] of Object.entries(recipeFiles(readFileSync(join(root, 'README.md'), 'utf8')))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), body);
  }
}

/** Starts a long-running command in its own process group (so stopping it stops its children). */
function start(cmd, args, opts) {
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  children.push(child);
  return { child, output: () => output };
}

async function waitFor(url, what, proc) {
  const deadline = Date.now() + STEP_TIMEOUT_MS * 2;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${what} exited (${proc.child.exitCode}):\n${proc.output().slice(-3000)}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer at ${url}:\n${proc.output().slice(-3000)}`);
}

async function signInAndOut() {
  const { chromium } = await import(join(root, 'examples/vite-app/node_modules/playwright-core/index.mjs'));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    // A normal sign-in and sign-out leave the console clean: no error, no failed request.
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()} (${m.location()?.url})`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText})`));
    await page.goto(`${APP}/`);
    await page.getByRole('button', { name: 'Sign in' }).click({ timeout: STEP_TIMEOUT_MS });
    await page.waitForURL((url) => url.origin === ISSUER, { timeout: STEP_TIMEOUT_MS });
    await page.locator('input[name="username"]').fill('demo');
    await page.locator('input[name="password"]').fill('demo');
    await page.locator('#sign-in').click();
    await page.waitForURL((url) => url.origin === APP || url.pathname.includes('/interaction/'), { timeout: STEP_TIMEOUT_MS });
    if (new URL(page.url()).origin !== APP) await page.locator('#allow').click({ timeout: STEP_TIMEOUT_MS });
    await page.getByText(/You have \d+ notes/).waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.getByRole('link', { name: 'Home' }).click();
    await page.getByText('Signed in as Demo User').waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.origin === APP && url.pathname === '/', { timeout: STEP_TIMEOUT_MS });
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    if (errors.length) throw new Error(`the console was not clean:\n${errors.join('\n')}`);
  } catch (error) {
    const page = browser.contexts()[0]?.pages()[0];
    const text = await page?.innerText('body').catch(() => '');
    throw new Error(`${error.message}\nat ${page?.url()}, the page says: ${text}`, { cause: error });
  } finally {
    await browser.close();
  }
}

async function main() {
  let t = Date.now();
  // The recipe's step 1, as written: `pnpm pack:packages` (builds, then packs into packed/).
  execFileSync('pnpm', ['pack:packages'], { cwd: root, stdio: 'ignore', timeout: 3 * STEP_TIMEOUT_MS });
  const tarballs = tarballsIn(PACKED);
  step('pnpm pack:packages', t);
  const dir = mkdtempSync(join(tmpdir(), 'my-app-'));
  try {
    writeApp(dir, tarballs);
    t = Date.now();
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit', timeout: 5 * STEP_TIMEOUT_MS });
    step('npm install in the new app', t);
    t = Date.now();
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: dir, stdio: 'inherit', timeout: STEP_TIMEOUT_MS });
    step('vite build', t);
    t = Date.now();
    const dev = start('pnpm', ['dev'], { cwd: root, env: { ...process.env, APP_ORIGINS: APP } });
    await waitFor(`${ISSUER}/.well-known/openid-configuration`, '`pnpm dev`', dev);
    step('APP_ORIGINS=http://localhost:5190 pnpm dev, until the authorization server answers', t);
    const preview = start('npx', ['vite', 'preview'], { cwd: dir });
    await waitFor(`${APP}/`, '`vite preview`', preview);
    t = Date.now();
    await signInAndOut();
    step('in Chromium: sign in, read the notes, sign out', t);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  step('the whole recipe', started);
}

const stopAll = () => {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => stopAll(),
    (error) => {
      console.error(`[own-app] FAILED: ${error.stack ?? error}`);
      stopAll();
      process.exitCode = 1;
    },
  );
}
