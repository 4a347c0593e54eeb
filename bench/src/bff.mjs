// BFF proxy overhead per API call (issue 11; the design's target: "p50 and p99 within 1.5 × the bare
// proxy"). GET of the notes list, measured with autocannon (fixed duration and connections, after a
// warm-up) three ways against the same notes API (the example's `createNotesApi`, which checks the
// JWT with jose against the dev server's JWKS):
//   direct  the notes API with `Authorization: Bearer`;
//   bare    a bare node:http reverse proxy that adds a fixed `Authorization` header (the baseline);
//   bff     `@pkce-auth/bff` on node:http, with the session cookie and `X-CSRF: 1`.
// Servers run in worker threads (bffServers.mjs), autocannon on the main thread. Everything is on
// 127.0.0.1 and free ports, and everything stops by itself.
//
// Standalone: `node bench/src/bff.mjs [--duration 10] [--connections 10] [--rounds 3] [--warmup 2]`
// (after `pnpm build`); it prints the markdown and writes bench/results/bff.md. `pnpm bench` runs it
// as a section of bench/results/latest.md with shorter runs (run.mjs).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { signIn } from '@pkce-auth/dev-server';
import autocannon from 'autocannon';
import { jwtClaims, median, table, withTimeout } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** Access-token lifetime at the dev server: far beyond any run, so the BFF never refreshes during one (it does 30 s before expiry). */
const TOKEN_TTL_S = 3600;
const SCOPE = 'openid profile email offline_access notes:read notes:write';
const SEEDED_NOTES = 5;
const PATHS = ['direct', 'bare', 'bff'];
const LABELS = { direct: 'direct to the notes API (Bearer)', bare: 'bare node:http reverse proxy', bff: '@pkce-auth/bff (cookie + X-CSRF)' };

/** A worker of bffServers.mjs in `role`, answering `call(cmd, args)`. */
function startWorker(role, data = {}) {
  const worker = new Worker(new URL('./bffServers.mjs', import.meta.url), { workerData: { role, ...data } });
  const pending = new Map();
  let next = 0;
  let stopping = false;
  let failure;
  const failAll = (error) => {
    if (!stopping) failure ??= error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on('message', ({ id, result, error }) => {
    const waiting = pending.get(id);
    if (!waiting) return;
    pending.delete(id);
    if (error) waiting.reject(new Error(`${role} worker: ${error}`));
    else waiting.resolve(result);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`${role} worker exited (${code})`)));
  const ready = withTimeout(new Promise((resolve, reject) => pending.set('ready', { resolve, reject })), 30_000, `${role} worker start`);
  const call = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, cmd, ...args });
    });
  return {
    ready,
    call: (cmd, args) => withTimeout(call(cmd, args), 15_000, `${role} worker ${cmd}`),
    /** Throws when the worker died (a crash between two calls would otherwise read as a path answering nothing). */
    check() {
      if (failure) throw new Error(`${role} worker died: ${failure.stack ?? failure}`);
    },
    async stop() {
      stopping = true;
      await withTimeout(call('stop'), 5000, `${role} worker stop`).catch(() => {});
      await worker.terminate();
    },
  };
}

/** Cookies of one origin as a browser keeps them (enough for the sign-in flow). */
class Jar {
  cookies = new Map();
  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || eq === pair.length - 1) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function send(jar, url, init = {}) {
  const headers = new Headers(init.headers);
  headers.set('cookie', jar.header());
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(res);
  return res;
}

/**
 * Signs in through the BFF as a browser would (packages/bff/src/__tests__/devServerFlow.test.ts):
 * `/bff/login` → the dev server's login and consent pages → `/bff/callback` → 303. Returns the
 * app's `Cookie` header (the session cookie).
 */
async function signInThroughBff(origin) {
  const app = new Jar();
  const atServer = new Jar();
  const login = await send(app, `${origin}/bff/login?returnTo=/`);
  if (login.status !== 302) throw new Error(`/bff/login answered ${login.status}`);
  let url = new URL(login.headers.get('location'));
  let body;
  for (let hop = 0; hop < 15 && url.origin !== origin; hop++) {
    const res = await send(atServer, url, body ? { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {});
    body = undefined;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location'), url);
      continue;
    }
    const html = await res.text();
    const uid = /action="\/interaction\/([^/"]+)\//.exec(html)?.[1];
    if (!uid) throw new Error(`unexpected page at ${url.pathname}: ${res.status}`);
    const isLogin = html.includes('name="username"');
    url = new URL(`/interaction/${uid}/${isLogin ? 'login' : 'confirm'}`, url);
    body = new URLSearchParams(isLogin ? { username: 'demo', password: 'demo' } : {});
  }
  if (url.origin !== origin || url.pathname !== '/bff/callback') throw new Error(`the sign-in did not come back to /bff/callback (${url.href})`);
  const done = await send(app, url);
  if (done.status !== 303) throw new Error(`/bff/callback answered ${done.status}: ${await done.text()}`);
  return app.header();
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN);

/**
 * One bounded autocannon run. Latency percentiles come from autocannon's own per-response timer
 * (`response` event, process.hrtime, 2xx only): its summary histogram records whole milliseconds,
 * too coarse for sub-millisecond calls on loopback.
 */
async function load({ url, headers }, { duration, connections }) {
  const times = [];
  const instance = autocannon({ url, headers, connections, duration, pipelining: 1, timeout: 10 });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
  });
  const result = await withTimeout(instance, (duration + 20) * 1000, `autocannon ${url}`);
  if (times.length === 0) throw new Error(`${url}: no 2xx answer in ${duration} s (${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts)`);
  times.sort((a, b) => a - b);
  return {
    rps: result.requests.average,
    requests: result.requests.total,
    p50: percentile(times, 50),
    p90: percentile(times, 90),
    p99: percentile(times, 99),
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

const ms = (v) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const times = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
const int = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—');
/** Median over rounds, with the spread (min–max) when there are several. */
const spread = (values, fmt) => {
  const v = values.filter(Number.isFinite);
  if (v.length < 2) return fmt(v[0]);
  return `${fmt(median(v))} (${fmt(Math.min(...v))}–${fmt(Math.max(...v))})`;
};

/**
 * Runs the section; returns `{ markdown, rounds, overhead, refreshes, bffErrors, cores, connections }`. Each round runs the
 * three paths back to back (their order rotated round by round); differences and ratios are taken
 * within a round, then their median (and min–max) over rounds is reported.
 */
export async function bffBench({ duration = 10, connections = 10, rounds = 3, warmup = 2, log = () => {} } = {}) {
  const loadBefore = loadavg()[0];
  const planned = PATHS.length * (warmup + rounds * duration);
  if (planned > TOKEN_TTL_S - 120) throw new Error(`a run of ${planned} s would outlive the ${TOKEN_TTL_S} s access token: fewer rounds or a shorter duration`);
  const proxies = startWorker('proxies');
  let upstream;
  try {
    const { bffOrigin, bareOrigin } = await proxies.ready;
    upstream = startWorker('upstream', { appOrigin: bffOrigin, accessTokenTtl: TOKEN_TTL_S });
    const { issuer, resource, notesUrl } = await upstream.ready;

    // The Bearer token of the direct path and of the bare proxy: the same person, audience and scope.
    const { access_token: bearer } = await withTimeout(signIn({ issuer, scope: SCOPE }), 15_000, 'dev-server signIn');
    if (jwtClaims(bearer).aud !== resource) throw new Error(`the access token is for ${jwtClaims(bearer).aud}, not the notes API (${resource})`);
    for (let i = 1; i <= SEEDED_NOTES; i++) {
      const res = await fetch(`${notesUrl}/notes`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: `benchmark note ${i}: the list every path reads` }) });
      if (res.status !== 201) throw new Error(`seeding a note answered ${res.status}`);
    }
    await proxies.call('configure', { issuer, bearer, notesTarget: `${notesUrl}/notes`, bffOptions: { scope: SCOPE, secret: randomBytes(32).toString('base64url') } });
    const cookie = await withTimeout(signInThroughBff(bffOrigin), 15_000, 'sign-in through the BFF');

    const targets = {
      direct: { url: `${notesUrl}/notes`, headers: { authorization: `Bearer ${bearer}` } },
      bare: { url: `${bareOrigin}/api/notes`, headers: {} },
      bff: { url: `${bffOrigin}/api/notes`, headers: { cookie, 'x-csrf': '1' } },
    };
    // Every path must answer the same list before anything is timed (and the BFF refuse a call without X-CSRF).
    for (const path of PATHS) {
      const res = await fetch(targets[path].url, { headers: targets[path].headers });
      const json = await res.json().catch(() => ({}));
      if (res.status !== 200 || json.notes?.length !== SEEDED_NOTES) throw new Error(`${path}: GET answered ${res.status} with ${JSON.stringify(json).slice(0, 200)}`);
    }
    const noCsrf = await fetch(targets.bff.url, { headers: { cookie } });
    if (noCsrf.status !== 403) throw new Error(`the BFF answered ${noCsrf.status} without X-CSRF, not 403`);

    const run = async (path, duration) => {
      const figures = await load(targets[path], { duration, connections }).catch((error) => ({ error }));
      // A dead worker is the cause to report, rather than the path that found it dead.
      proxies.check();
      upstream.check();
      if (figures.error) throw figures.error;
      return figures;
    };
    const grantsBefore = await upstream.call('grants');
    for (const path of PATHS) {
      log(`[bff] warm-up ${path} ${warmup} s`);
      await run(path, warmup);
    }
    const measured = [];
    for (let round = 0; round < rounds; round++) {
      const figures = {};
      for (const path of [...PATHS.slice(round % PATHS.length), ...PATHS.slice(0, round % PATHS.length)]) {
        figures[path] = await run(path, duration);
        log(`[bff] round ${round + 1} ${path}: ${int(figures[path].rps)} req/s, p50 ${ms(figures[path].p50)} ms, p99 ${ms(figures[path].p99)} ms`);
      }
      measured.push(figures);
    }
    const grantsAfter = await upstream.call('grants');
    const bffErrors = await proxies.call('bffErrors');
    const refreshes = grantsAfter.refresh - grantsBefore.refresh + grantsAfter.refreshErrors - grantsBefore.refreshErrors;
    return report({ measured, refreshes, bffErrors, duration, connections, warmup, load: [loadBefore, loadavg()[0]] });
  } finally {
    await Promise.all([proxies.stop(), upstream?.stop()]);
  }
}

function report({ measured, refreshes, bffErrors, duration, connections, warmup, load }) {
  const over = (path, key) => measured.map((r) => r[path][key] - r.direct[key]);
  const overhead = {
    bff: { p50: over('bff', 'p50'), p99: over('bff', 'p99') },
    bare: { p50: over('bare', 'p50'), p99: over('bare', 'p99') },
    latencyRatio: { p50: measured.map((r) => r.bff.p50 / r.bare.p50), p99: measured.map((r) => r.bff.p99 / r.bare.p99) },
    overheadRatio: { p50: measured.map((r) => (r.bff.p50 - r.direct.p50) / (r.bare.p50 - r.direct.p50)), p99: measured.map((r) => (r.bff.p99 - r.direct.p99) / (r.bare.p99 - r.direct.p99)) },
  };
  const cores = availableParallelism?.() ?? cpus().length;
  const rounds = measured.length;
  const perPath = table(
    ['path (GET of the notes list)', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'non-2xx + errors'],
    PATHS.map((path) => {
      const col = (key) => measured.map((r) => r[path][key]);
      return [LABELS[path], spread(col('rps'), int), spread(col('p50'), ms), spread(col('p90'), ms), spread(col('p99'), ms), col('bad').reduce((a, b) => a + b, 0)];
    }),
  );
  const vs = table(
    ['BFF against the others', 'p50', 'p99'],
    [
      ['BFF added latency vs direct, ms', spread(overhead.bff.p50, ms), spread(overhead.bff.p99, ms)],
      ['bare proxy added latency vs direct, ms', spread(overhead.bare.p50, ms), spread(overhead.bare.p99, ms)],
      ['BFF latency / bare proxy latency', spread(overhead.latencyRatio.p50, times), spread(overhead.latencyRatio.p99, times)],
      ['BFF added latency / bare proxy added latency', spread(overhead.overheadRatio.p50, times), spread(overhead.overheadRatio.p99, times)],
    ],
  );
  const raw = table(
    ['round', ...PATHS.map((p) => `${p} req/s · p50 · p90 · p99 ms`)],
    measured.map((r, i) => [i + 1, ...PATHS.map((p) => `${int(r[p].rps)} · ${ms(r[p].p50)} · ${ms(r[p].p90)} · ${ms(r[p].p99)}`)]),
  );
  const failed = measured.reduce((n, r) => n + PATHS.reduce((m, p) => m + r[p].bad, 0), 0);
  const markdown = [
    perPath,
    '',
    vs,
    '',
    ...(failed ? [`**${failed} answers were not 2xx (or failed, or timed out)**: their rounds do not measure the same work; the latencies count 2xx answers only.`, ''] : []),
    `Token refreshes at the authorization server during the warm-up and the measured runs: **${refreshes}**${refreshes === 0 ? ' (the access tokens live ' + TOKEN_TTL_S + ' s; the BFF refreshes 30 s before expiry)' : ' — **a refresh fell inside the runs: its round is distorted**'}.`,
    '',
    `Errors the BFF passed to \`onError\` (counted, not printed): ${
      Object.keys(bffErrors).length
        ? Object.entries(bffErrors)
            .map(([kind, n]) => `${n} × ${kind}`)
            .join('; ')
        : 'none'
    }. An AbortError is a call still in flight when autocannon closed its connections at the end of a run.`,
    '',
    'Every round, one run per path:',
    '',
    raw,
    '',
    `autocannon 9, ${connections} connections, pipelining 1, ${duration} s per run after a ${warmup} s warm-up per path; ${rounds} round(s), the order of the paths rotated each round. Cells are the median over rounds, (min–max) when there are several; differences and ratios are taken within a round. Latencies come from autocannon's per-response timer (process.hrtime, 2xx only): its summary histogram records whole milliseconds. The notes API (\`examples/vite-app/server/notesApi.mjs\`, jose-verified JWT, ${SEEDED_NOTES} notes in the list), the dev server, the proxies and autocannon each run on their own thread (worker_threads) on ${cores} core(s) (1-minute load average ${load.map((l) => l.toFixed(2)).join(' at the start, ')} at the end: anything else running on the machine shows in the figures), all on 127.0.0.1; the BFF (memory store) forwards with fetch, the bare proxy with node:http and a keep-alive agent. "BFF added latency / bare proxy added latency" is the design's "BFF proxy overhead … within 1.5 × the bare proxy" read as overhead over the direct call; "BFF latency / bare proxy latency" compares the whole call.`,
  ].join('\n');
  return { markdown, rounds: measured, overhead, refreshes, bffErrors, cores, connections };
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const flag = (name, fallback, max) => {
    const i = process.argv.indexOf(`--${name}`);
    if (i < 0) return fallback;
    const v = Number(process.argv[i + 1]);
    if (!Number.isInteger(v) || v < 1 || v > max) {
      process.stderr.write(`--${name} takes a whole number from 1 to ${max}\n`);
      process.exit(2);
    }
    return v;
  };
  if (process.argv.includes('--help')) {
    console.log('node bench/src/bff.mjs [--duration 10] [--connections 10] [--rounds 3] [--warmup 2]   (after pnpm build; writes bench/results/bff.md)');
    process.exit(0);
  }
  const options = { duration: flag('duration', 10, 60), connections: flag('connections', 10, 200), rounds: flag('rounds', 3, 10), warmup: flag('warmup', 2, 30) };
  const started = performance.now();
  const { markdown } = await bffBench({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
  const out = [`# BFF proxy overhead per API call`, '', `${new Date().toISOString()} · Node ${process.versions.node} · ${process.platform}/${process.arch}`, '', markdown, '', `Run time ${((performance.now() - started) / 1000).toFixed(1)} s.`, ''].join('\n');
  console.log(out);
  const resultsDir = join(here, '..', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'bff.md'), out);
  process.stderr.write(`[bff] written to ${join(resultsDir, 'bff.md')}\n`);
}
