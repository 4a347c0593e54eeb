// `pnpm --filter pkce-auth-bench bench`: bundle size, token handling cost, the callback and the BFF
// proxy overhead, each as a markdown table, plus a summary against the design's targets (shared/design/README.md).
// Writes everything to bench/results/latest.md. A benchmark reports figures: it exits 0 whatever
// the timings or targets say, and 1 only when a section itself crashed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bffBench } from './bff.mjs';
import { callbackBench } from './callback.mjs';
import { median, table } from './lib.mjs';
import { moduleReport } from './modules.mjs';
import { tokenBench } from './tokens.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isInteger(v) && v > 0 && v <= 20 ? v : fallback;
};
const TOKEN_RUNS = arg('--token-runs', 3);
const CALLBACK_RUNS = arg('--callback-runs', 5);
// Short runs here (4 paths × (2 s warm-up + 2 × 5 s) ≈ 1 min, no 100k-call memory batches);
// `node src/bff.mjs` runs longer ones and the memory check.
const BFF = { duration: arg('--bff-duration', 5), rounds: arg('--bff-rounds', 2), connections: arg('--bff-connections', 10), warmup: 2, batches: 0 };
const SIZE_TARGET_BYTES = 9500; // "≤ 9.5 kB" gzip -9, kB = 1000 B as size.mjs prints them
const log = (line) => process.stderr.write(`${line}\n`);

// size.mjs prints its own table when imported; keep it quiet and use only measure().
async function loadMeasure() {
  const print = console.log;
  console.log = () => {};
  try {
    return await import('./size.mjs');
  } finally {
    console.log = print;
  }
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

async function sizeSection() {
  const { measure, apps, REALISTIC_APP } = await loadMeasure();
  const sizes = [];
  for (const [name, file, external] of apps) sizes.push({ name, file, ...(await measure(file, external)) });
  const markdown = [
    table(
      ['app (bench/apps, react external, esbuild --minify)', 'raw', 'gzip -9', 'brotli'],
      sizes.map((s) => [s.name, kB(s.raw), kB(s.gzip), kB(s.brotli)]),
    ),
    '',
    moduleReport(REALISTIC_APP, sizes.find((s) => s.file === REALISTIC_APP)),
  ].join('\n');
  return { markdown, sizes };
}

const TOKEN_NOTE = `Each cell starts from a fresh \`signIn()\` (a new grant), stores the tokens with the access token expired a minute ago, then makes N calls at once: \`client.getAccessToken()\` (pkce-auth, custom in-memory \`StorageLike\`, \`autoRefresh: false\`) or \`userManager.signinSilent()\` (oidc-client-ts 3.5.0, what react-oidc-context calls; \`automaticSilentRenew: false\`, metadata loaded before the clock starts, run in plain Node 20 — it needed no jsdom). "Refresh requests sent" is counted on the client (wrapped fetch) and checked against oidc-provider's \`grant.success\`/\`grant.error\` events; \`invalid_grant\` is the server's count. "Session survived" means the client still holds a session **and** the server still accepts the refresh token it holds (token unused, grant not revoked). oidc-provider revokes the whole grant when a rotated refresh token is reused, so the one caller that did get a token holds an access token that lives out its TTL and a refresh token that is already dead.

Not measured:
- **@auth0/auth0-react 2.27.0** (auth0-spa-js 2.28.3): the token URL is hard-wired as \`\${domainUrl}/oauth/token\` (\`oauthToken()\`) and the authorize URL as \`/authorize\` — there is no option for another token endpoint; \`domain\` may carry an \`http(s)://host:port\` prefix but not a path, and the ID-token \`iss\` is expected to be \`\${domainUrl}/\` (trailing slash) unless \`issuer\` is given, and a non-https \`issuer\` is rewritten to \`https://…/\`. oidc-provider serves \`/token\` and an issuer without the slash, so it would only run behind a path-rewriting proxy with a doctored issuer, which is no longer the same server. From its source (not measured): \`getTokenSilently\` serialises refreshes with a lock (\`auth0.lock.getTokenSilently.<clientId>.<audience>\`, Web Locks or a localStorage lock) and re-reads its cache inside it, so concurrent callers should share one refresh.
- **react-oauth2-code-pkce 1.24.0**: it exposes no token call outside its React context — the package exports only \`AuthProvider\`, \`AuthContext\` and \`useAuthContext\`; the context gives a stored \`token\` string and \`refreshAccessToken(): void\` (fire-and-forget, no promise, no token returned). Refreshing is driven by a 10 s interval inside the provider with a \`refreshInProgress\` flag in storage, so "N callers ask for a valid token" has no counterpart to call.`;

const CALLBACK_NOTE = `Chromium headless (playwright-core, \`/usr/bin/chromium\` or \`CHROMIUM_PATH\`). Each app is a tiny esbuild bundle (react + the SDK, minified, \`NODE_ENV=production\`) served from 127.0.0.1 and registered with the dev server as an app origin; a fresh browser context per run (login at the dev server, consent, back to \`/callback\`). The clock starts at the \`/callback\` document request (its \`request.timing().startTime\`) and stops when \`#signed-in\` enters the DOM (a MutationObserver installed before the page's scripts, browser clock). "First render" is the first element React commits into \`#root\` after the reload. One discarded warm-up run per app; the apps alternate run by run. "First issuer request starts at" is measured from the same start (the time to load, parse and render the app before the SDK talks to the server); "last issuer response → \`#signed-in\`" is the SDK's own work after the network (validation, storage, re-render). The milliseconds include loading and parsing app.js (react-dom is most of it) and swing by tens of ms between runs on a busy machine; the request counts do not move.`;

function summary({ size, tokens, callback, bff }) {
  const rows = [];
  const sz = size?.sizes;
  if (sz) {
    const ours = sz.find((s) => s.name === 'pkce-auth');
    const peer = sz.find((s) => s.file === 'react-oidc-context.jsx');
    rows.push([
      'bundle size, realistic app, gzip -9',
      `≤ ${kB(SIZE_TARGET_BYTES)}${peer ? ` and ≤ half of react-oidc-context (${kB(peer.gzip / 2)})` : ''}`,
      peer ? kB(peer.gzip) : '—',
      ours ? `${kB(ours.gzip)} (${ours.gzip} B)` : '—',
      ours ? verdict(ours.gzip <= SIZE_TARGET_BYTES && (!peer || ours.gzip <= peer.gzip / 2)) : 'not measured',
    ]);
  } else rows.push(['bundle size', '≤ 9.5 kB', '—', 'section failed', 'not measured']);

  const byName = (name) => callback?.results.find((r) => r.name === name);
  const cb = byName('pkce-auth');
  const cbPeer = byName('react-oidc-context');
  const issuerCount = (r, key) => (r?.samples.length ? [...new Set(r.samples.map((s) => s[key].issuer))].join(' / ') : '—');
  const callbackCell = (r) => (r?.samples.length ? `${issuerCount(r, 'callback')} (${kindsOf(r.samples.at(-1).callback.kinds)}), ${median(r.samples.map((s) => s.callback.ms)).toFixed(0)} ms` : '—');
  rows.push([
    'requests from the redirect URI to signed in',
    '1',
    callbackCell(cbPeer),
    callbackCell(cb),
    cb?.samples.length ? verdict(cb.samples.every((s) => s.callback.issuer === 1)) : 'not measured',
  ]);
  const returningCell = (r) =>
    r?.samples.length
      ? `${issuerCount(r, 'returning')} requests, first render ${[...new Set(r.samples.map((s) => s.returning.renders.join(' → ')))].join(' / ')}`
      : '—';
  rows.push([
    'returning visit with a stored session',
    '0 requests, authenticated on the first render',
    returningCell(cbPeer),
    returningCell(cb),
    cb?.samples.length ? verdict(cb.samples.every((s) => s.returning.issuer === 0 && s.returning.firstRender === 'signed-in')) : 'not measured',
  ]);

  const cell = (name, n) => tokens?.cells.find((c) => c.name.startsWith(name) && c.n === n);
  const t20 = cell('pkce-auth', 20);
  const t20peer = cell('react-oidc-context', 20);
  const tokenCell = (c) => {
    if (!c?.samples.length) return '—';
    const s = c.samples.at(-1);
    return `${s.sent} refresh request(s), ${s.got}/${c.n} callers got a token (${s.distinct} distinct), ${s.invalidGrant} \`invalid_grant\`, session ${s.survived ? 'kept' : s.revoked ? 'lost (grant revoked)' : 'lost'}`;
  };
  rows.push([
    '20 concurrent token requests after expiry, rotating refresh tokens',
    '1 refresh request, 20 identical tokens',
    tokenCell(t20peer),
    tokenCell(t20),
    t20?.samples.length ? verdict(t20.samples.every((s) => s.sent === 1 && s.serverRefreshes === 1 && s.got === 20 && s.distinct === 1 && s.invalidGrant === 0 && s.survived)) : 'not measured',
  ]);
  rows.push(bffRow(bff));
  return table(['figure', 'pkce-auth target', 'react-oidc-context (measured here)', 'pkce-auth (measured)', 'target'], rows, ['---', '---', '---', '---', '---']);
}
/** The design's "BFF proxy overhead per API call: p50 and p99 within 1.5 × the bare proxy", read as overhead over the direct call. */
function bffRow(bff) {
  const target = 'p50 and p99 overhead within 1.5 × the bare proxy’s';
  if (!bff) return ['BFF proxy overhead per API call', target, '—', 'section failed', 'not measured'];
  const { overhead: o } = bff;
  const at = (values, fmt) => fmt(median(values));
  const plus = (v) => `+${v.toFixed(2)} ms`;
  const x = (v) => `${v.toFixed(2)}×`;
  return [
    `BFF proxy overhead per API call (GET of the notes list, ${bff.connections} connections)`,
    target,
    `bare node:http proxy ${at(o.bare.p50, plus)} p50, ${at(o.bare.p99, plus)} p99 over direct`,
    `${at(o.bff.p50, plus)} p50, ${at(o.bff.p99, plus)} p99 over direct: ${at(o.overheadRatio.p50, x)} / ${at(o.overheadRatio.p99, x)} the bare proxy’s overhead (whole call ${at(o.latencyRatio.p50, x)} / ${at(o.latencyRatio.p99, x)}); ${bff.refreshes} token refreshes`,
    verdict(median(o.overheadRatio.p50) <= 1.5 && median(o.overheadRatio.p99) <= 1.5),
  ];
}
const verdict = (ok) => (ok ? 'met' : '**not met**');
const kindsOf = (list) => list.join(' + ') || 'none';

async function section(name, fn) {
  const t0 = performance.now();
  log(`[bench] ${name}…`);
  try {
    const result = await fn();
    log(`[bench] ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { result, seconds: (performance.now() - t0) / 1000 };
  } catch (error) {
    log(`[bench] ${name} crashed: ${error?.stack ?? error}`);
    return { error, seconds: (performance.now() - t0) / 1000 };
  }
}

const started = performance.now();
const size = await section('bundle size', sizeSection);
const tokens = await section('token handling cost', () => tokenBench({ ns: [1, 10, 20, 100], runs: TOKEN_RUNS, log }));
const callback = await section('callback', () => callbackBench({ runs: CALLBACK_RUNS, log }));
const bff = await section('BFF proxy overhead', () => bffBench({ ...BFF, log }));

const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};
const commit = git('rev-parse', '--short', 'HEAD');
const dirty = git('status', '--porcelain', '--', '../../packages') ? ' + uncommitted changes in packages/' : '';
const failed = (s) => `_section crashed: ${String(s.error?.message ?? s.error).split('\n')[0]}_`;
const secs = (s) => `${s.seconds.toFixed(1)} s`;

const out = [
  `# pkce-auth benchmark`,
  '',
  `${new Date().toISOString()} · Node ${process.versions.node} · ${process.platform}/${process.arch}${commit ? ` · commit ${commit}${dirty}` : ''}`,
  '',
  `## 1. Bundle size (${size.error ? 'failed' : secs(size)})`,
  '',
  size.error ? failed(size) : size.result.markdown,
  '',
  'The apps of `bench/apps` measured by `measure()` of `bench/src/size.mjs`; `@pkce-auth/*` resolve to `packages/*/dist`, so these are the figures of the last `pnpm build`.',
  '',
  `## 2. Token handling cost: N concurrent "give me a valid access token" calls after expiry, rotating refresh tokens (${secs(tokens)})`,
  '',
  tokens.error ? failed(tokens) : tokens.result.markdown,
  '',
  TOKEN_NOTE,
  '',
  `## 3. The callback and the returning visit, chromium against the dev server (${secs(callback)})`,
  '',
  callback.error ? failed(callback) : callback.result.markdown,
  '',
  CALLBACK_NOTE,
  '',
  `## 4. BFF proxy overhead per API call: direct, a bare reverse proxy, the BFF (${secs(bff)})`,
  '',
  bff.error ? failed(bff) : bff.result.markdown,
  '',
  `## Summary against the design targets`,
  '',
  summary({ size: size.result, tokens: tokens.result, callback: callback.result, bff: bff.result }),
  '',
  `Total run time ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  '',
].join('\n');

console.log(out);
const resultsDir = join(here, '..', 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'latest.md'), out);
log(`[bench] written to ${join(resultsDir, 'latest.md')}`);
process.exit(size.error || tokens.error || callback.error || bff.error ? 1 : 0);
