// BFF proxy overhead per API call (issue 11; the design's target: "p50 and p99 within 1.5 × the bare
// proxy") and the BFF on Redis (issue 12). GET of the notes list, measured with autocannon (fixed
// duration and connections, after a warm-up) four ways against the same notes API (the example's
// `createNotesApi`, which checks the JWT with jose against the dev server's JWKS):
//   direct  the notes API with `Authorization: Bearer`;
//   bare    a bare node:http reverse proxy that adds a fixed `Authorization` header (the baseline);
//   bff     `@pkce-auth/bff` on node:http with `memoryStore()`, the session cookie and `X-CSRF: 1`;
//   redis   the same with `redisStore({ url, prefix })` on a redis-server started for the run.
// Then the memory of each BFF: RSS (and heapUsed after a forced GC) of its process before, between
// and after batches of proxied calls (`--requests` in all, 100 000 by default). The upstream and the bare proxy run in worker threads
// (bffServers.mjs), each BFF in a child process of its own (bffProcess.mjs, so its RSS is its
// own), autocannon on the main thread. Everything is on 127.0.0.1 and free ports, everything
// stops by itself, and redis-server and the BFF processes are killed by PID on any exit (SIGINT too).
//
// Standalone: `node bench/src/bff.mjs [--duration 5] [--connections 10] [--rounds 2] [--warmup 2]
// [--requests 100000] [--batches 2]` (after `pnpm build`; the memory part makes `--requests`
// calls per BFF in `--batches` equal batches, a reading after each); it prints the markdown and writes
// bench/results/bff.md. `pnpm bench` runs it as a section of bench/results/latest.md (run.mjs).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { signIn } from '@pkce-auth/dev-server';
import autocannon from 'autocannon';
import { jwtClaims, median, table, withTimeout } from './lib.mjs';
import { startRedis } from './redisServer.mjs';
import { startBffProcess, startWorker, stopOnSigint } from './remote.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** Access-token lifetime at the dev server: far beyond any run, so the BFF never refreshes during one (it does 30 s before expiry). */
const TOKEN_TTL_S = 3600;
const SCOPE = 'openid profile email offline_access notes:read notes:write';
const SEEDED_NOTES = 5;
const PATHS = ['direct', 'bare', 'bff', 'redis'];
const BFFS = ['bff', 'redis'];
const LABELS = { direct: 'direct to the notes API (Bearer)', bare: 'bare node:http reverse proxy', bff: '@pkce-auth/bff, memoryStore (cookie + X-CSRF)', redis: '@pkce-auth/bff, redisStore (cookie + X-CSRF)' };
const REDIS_PREFIX = 'pkce-auth-bench:';

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
async function load({ url, headers }, { duration, amount, connections }) {
  const times = [];
  const what = amount ? `${amount} requests` : `${duration} s`;
  const instance = autocannon({ url, headers, connections, ...(amount ? { amount } : { duration }), pipelining: 1, timeout: 10 });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
  });
  // A batch of `amount` requests is bounded too: at 200 req/s or less something is broken.
  const result = await withTimeout(instance, amount ? Math.max(60_000, (amount / 200) * 1000) : (duration + 20) * 1000, `autocannon ${url} (${what})`);
  if (times.length === 0) throw new Error(`${url}: no 2xx answer in ${what} (${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts)`);
  times.sort((a, b) => a - b);
  return {
    // A batch of `amount` ends part-way through a second: its rate is the total over the elapsed time.
    rps: amount ? result.requests.total / result.duration : result.requests.average,
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
 * Starts redis-server, the two BFF processes, the bare proxy and the upstream; seeds the notes,
 * signs in through each BFF, and checks that every path answers the same list. Resolves to
 * `{ targets, redis, bffs, workers }` (whatever started is in `started`, for the caller to stop).
 */
async function startAll(started, log) {
  started.redis = await startRedis();
  log(`[bff] redis-server ${started.redis.url} (pid ${started.redis.pid})`);
  started.bffs = Object.fromEntries(BFFS.map((name) => [name, startBffProcess(name === 'bff' ? 'memoryStore' : 'redisStore')]));
  started.proxies = startWorker('proxies');
  const origins = Object.fromEntries(await Promise.all(BFFS.map(async (name) => [name, (await started.bffs[name].ready).origin])));
  const { bareOrigin } = await started.proxies.ready;
  started.upstream = startWorker('upstream', { appOrigins: Object.values(origins), accessTokenTtl: TOKEN_TTL_S });
  const { issuer, resource, notesUrl } = await started.upstream.ready;

  // The Bearer token of the direct path and of the bare proxy: the same person, audience and scope.
  const { access_token: bearer } = await withTimeout(signIn({ issuer, scope: SCOPE }), 15_000, 'dev-server signIn');
  if (jwtClaims(bearer).aud !== resource) throw new Error(`the access token is for ${jwtClaims(bearer).aud}, not the notes API (${resource})`);
  for (let i = 1; i <= SEEDED_NOTES; i++) {
    const res = await fetch(`${notesUrl}/notes`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: `benchmark note ${i}: the list every path reads` }) });
    if (res.status !== 201) throw new Error(`seeding a note answered ${res.status}`);
  }
  const notesTarget = `${notesUrl}/notes`;
  await started.proxies.call('configure', { bearer, notesTarget });
  const stores = { bff: { kind: 'memory' }, redis: { kind: 'redis', url: started.redis.url, prefix: REDIS_PREFIX } };
  const targets = {
    direct: { url: notesTarget, headers: { authorization: `Bearer ${bearer}` } },
    bare: { url: `${bareOrigin}/api/notes`, headers: {} },
  };
  for (const name of BFFS) {
    await started.bffs[name].call('configure', { issuer, notesTarget, store: stores[name], bffOptions: { scope: SCOPE, secret: randomBytes(32).toString('base64url') } });
    const cookie = await withTimeout(signInThroughBff(origins[name]), 15_000, `sign-in through the BFF (${name})`);
    targets[name] = { url: `${origins[name]}/api/notes`, headers: { cookie, 'x-csrf': '1' } };
  }
  // Every path must answer the same list before anything is timed (and each BFF refuse a call without X-CSRF).
  for (const path of PATHS) {
    const res = await fetch(targets[path].url, { headers: targets[path].headers });
    const json = await res.json().catch(() => ({}));
    if (res.status !== 200 || json.notes?.length !== SEEDED_NOTES) throw new Error(`${path}: GET answered ${res.status} with ${JSON.stringify(json).slice(0, 200)}`);
  }
  for (const name of BFFS) {
    const noCsrf = await fetch(targets[name].url, { headers: { cookie: targets[name].headers.cookie } });
    if (noCsrf.status !== 403) throw new Error(`the BFF (${name}) answered ${noCsrf.status} without X-CSRF, not 403`);
  }
  return targets;
}

/** Redis commands per proxied call between two INFO commandstats readings, e.g. `{ get: 1, pexpire: 1 }`. */
const perCall = (before, after, calls) =>
  Object.fromEntries(
    Object.keys(after)
      .filter((name) => name !== 'info' && (after[name] ?? 0) - (before[name] ?? 0) > 0)
      .map((name) => [name, (after[name] - (before[name] ?? 0)) / calls]),
  );

/**
 * The memory of each BFF process over `requests` proxied calls made in `batches` consecutive
 * batches of equal size: a reading (RSS, heapUsed after a forced GC) before the first batch —
 * after the warm-up and the timed rounds, so past JIT warm-up — and after each batch. Redis's
 * command counts per call are read around every Redis batch.
 */
async function memoryBatches({ started, run, requests, batches, log }) {
  const size = Math.ceil(requests / batches);
  const result = {};
  for (const name of BFFS) {
    const readings = [await started.bffs[name].call('memory')];
    const loads = [];
    const commands = [];
    for (let batch = 1; batch <= batches; batch++) {
      const stats = name === 'redis' ? await started.redis.commandStats() : undefined;
      loads.push(await run(name, { amount: size }));
      if (stats) commands.push(perCall(stats, await started.redis.commandStats(), loads.at(-1).requests));
      readings.push(await started.bffs[name].call('memory'));
      log(`[bff] memory ${name} batch ${batch}: RSS ${mb(readings.at(-2).rss)} → ${mb(readings.at(-1).rss)}, heapUsed ${mb(readings.at(-2).heapUsed)} → ${mb(readings.at(-1).heapUsed)}`);
    }
    result[name] = { readings, loads, commands };
  }
  return result;
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Runs the section; returns `{ markdown, rounds, overhead, refreshes, bffErrors, cores, connections, memory }`.
 * Each round runs the four paths back to back (their order rotated round by round); differences
 * and ratios are taken within a round, then their median (and min–max) over rounds is reported.
 * Then `requests` calls per BFF, in `batches` equal batches, measure its memory (0 batches: none).
 */
export async function bffBench({ duration = 5, connections = 10, rounds = 2, warmup = 2, requests = 100_000, batches = 2, log = () => {} } = {}) {
  const loadBefore = loadavg()[0];
  const planned = PATHS.length * (warmup + rounds * duration) + (batches ? (BFFS.length * requests) / 500 : 0);
  if (planned > TOKEN_TTL_S - 120) throw new Error(`a run of about ${planned} s would outlive the ${TOKEN_TTL_S} s access token: fewer rounds, requests or a shorter duration`);
  const started = {};
  const everyone = () => [started.proxies, started.upstream, ...Object.values(started.bffs ?? {})].filter(Boolean);
  return stopOnSigint(async () => {
    try {
      const targets = await startAll(started, log);
      const run = async (path, length) => {
        const figures = await load(targets[path], { ...length, connections }).catch((error) => ({ error }));
        // A dead worker or BFF process is the cause to report, rather than the path that found it dead.
        for (const one of everyone()) one.check();
        if (figures.error) throw figures.error;
        return figures;
      };
      const grantsBefore = await started.upstream.call('grants');
      for (const path of PATHS) {
        log(`[bff] warm-up ${path} ${warmup} s`);
        await run(path, { duration: warmup });
      }
      const measured = [];
      const redisBefore = await started.redis.commandStats();
      let redisCalls = 0;
      for (let round = 0; round < rounds; round++) {
        const figures = {};
        for (const path of [...PATHS.slice(round % PATHS.length), ...PATHS.slice(0, round % PATHS.length)]) {
          figures[path] = await run(path, { duration });
          log(`[bff] round ${round + 1} ${path}: ${int(figures[path].rps)} req/s, p50 ${ms(figures[path].p50)} ms, p99 ${ms(figures[path].p99)} ms`);
        }
        redisCalls += figures.redis.requests;
        measured.push(figures);
      }
      const redisPerCall = perCall(redisBefore, await started.redis.commandStats(), redisCalls);
      const memory = batches > 0 ? await memoryBatches({ started, run, requests, batches, log }) : undefined;
      const grantsAfter = await started.upstream.call('grants');
      const bffErrors = Object.fromEntries(await Promise.all(BFFS.map(async (name) => [name, await started.bffs[name].call('bffErrors')])));
      const refreshes = grantsAfter.refresh - grantsBefore.refresh + grantsAfter.refreshErrors - grantsBefore.refreshErrors;
      return report({ measured, refreshes, bffErrors, duration, connections, warmup, memory, requests, redisPerCall, load: [loadBefore, loadavg()[0]] });
    } finally {
      await Promise.all(everyone().map((one) => one.stop()));
      await started.redis?.stop();
    }
  });
}

/** The one table of the issue: per path req/s, p50, p99, errors, and req/s and p99 against the bare proxy (per round, then the median). */
function pathTable(measured) {
  const col = (path, key) => measured.map((r) => r[path][key]);
  const against = (path, key) => measured.map((r) => r[path][key] / r.bare[key]);
  return table(
    ['path (GET of the notes list)', 'req/s', 'p50 ms', 'p99 ms', 'errors (non-2xx + socket)', 'req/s ÷ bare proxy', 'p99 ÷ bare proxy'],
    PATHS.map((path) => [LABELS[path], spread(col(path, 'rps'), int), spread(col(path, 'p50'), ms), spread(col(path, 'p99'), ms), col(path, 'bad').reduce((a, b) => a + b, 0), spread(against(path, 'rps'), times), spread(against(path, 'p99'), times)]),
  );
}

const signedMb = (bytes) => `${bytes >= 0 ? '+' : '−'}${mb(Math.abs(bytes))}`;

/** RSS and heapUsed of each BFF process before and after each batch and over all of them, with the deltas. */
function memoryTable(memory) {
  const rows = [];
  const row = (name, what, before, after, perCallCells) => [name === 'bff' ? 'memoryStore' : 'redisStore', what, mb(before.rss), mb(after.rss), signedMb(after.rss - before.rss), mb(before.heapUsed), mb(after.heapUsed), signedMb(after.heapUsed - before.heapUsed), perCallCells];
  for (const name of BFFS) {
    const { readings, loads, commands } = memory[name];
    for (let batch = 1; batch < readings.length; batch++) {
      const [before, after] = [readings[batch - 1], readings[batch]];
      const load = loads[batch - 1];
      const perCallCells = commands[batch - 1] ? Object.entries(commands[batch - 1]).map(([cmd, n]) => `${n.toFixed(2)} ${cmd.toUpperCase()}`).join(', ') : '—';
      rows.push(row(name, `batch ${batch}: ${int(load.requests)} calls, ${int(load.rps)} req/s, ${load.bad} errors`, before, after, perCallCells));
    }
    const total = loads.reduce((n, l) => n + l.requests, 0);
    rows.push(row(name, `**all ${int(total)} calls**`, readings[0], readings.at(-1), ''));
  }
  const gc = BFFS.every((name) => memory[name].readings.every((r) => r.collected));
  return [
    table(['BFF store', 'calls', 'RSS before', 'RSS after', 'Δ RSS', `heapUsed before${gc ? ' (after GC)' : ''}`, 'heapUsed after', 'Δ heap', 'Redis commands per call'], rows),
    '',
    `Each BFF runs alone in its own process (\`node --expose-gc bench/src/bffProcess.mjs\`), so its RSS counts neither autocannon nor the upstream. ${gc ? 'Every reading is taken after two forced `gc()` calls' : '**gc() was not exposed: the heap figures include garbage**'}; the first "before" comes after the warm-up and the timed rounds (JIT warm). Noise is judged from consecutive batches of the same work (the calls split in equal batches): memory that grows with the number of requests grows again in every batch by about the same amount, while warm-up and allocator noise show once and then level off (or go negative). The RSS also keeps pages that the allocator has not returned to the OS, so a Δ RSS of a few MiB without a matching Δ heap is not a leak. "Redis commands per call" is the BFF's commands (INFO commandstats) divided by the calls of the batch.`,
  ].join('\n');
}

function report({ measured, refreshes, bffErrors, duration, connections, warmup, memory, requests, redisPerCall, load }) {
  const over = (path, key) => measured.map((r) => r[path][key] - r.direct[key]);
  const ratio = (path) => ({
    latencyRatio: { p50: measured.map((r) => r[path].p50 / r.bare.p50), p99: measured.map((r) => r[path].p99 / r.bare.p99) },
    overheadRatio: { p50: measured.map((r) => (r[path].p50 - r.direct.p50) / (r.bare.p50 - r.direct.p50)), p99: measured.map((r) => (r[path].p99 - r.direct.p99) / (r.bare.p99 - r.direct.p99)) },
  });
  const overhead = { bff: { p50: over('bff', 'p50'), p99: over('bff', 'p99') }, redis: { p50: over('redis', 'p50'), p99: over('redis', 'p99') }, bare: { p50: over('bare', 'p50'), p99: over('bare', 'p99') }, ...ratio('bff'), redisRatio: ratio('redis') };
  const cores = availableParallelism?.() ?? cpus().length;
  const rounds = measured.length;
  const vs = table(
    ['the BFF against the others', 'p50', 'p99'],
    [
      ['bare proxy added latency vs direct, ms', spread(overhead.bare.p50, ms), spread(overhead.bare.p99, ms)],
      ...[
        ['memoryStore', overhead.bff, overhead],
        ['redisStore', overhead.redis, overhead.redisRatio],
      ].flatMap(([store, added, r]) => [
        [`BFF (${store}) added latency vs direct, ms`, spread(added.p50, ms), spread(added.p99, ms)],
        [`BFF (${store}) added latency / bare proxy added latency`, spread(r.overheadRatio.p50, times), spread(r.overheadRatio.p99, times)],
      ]),
    ],
  );
  const raw = table(
    ['round', ...PATHS.map((p) => `${p} req/s · p50 · p90 · p99 ms`)],
    measured.map((r, i) => [i + 1, ...PATHS.map((p) => `${int(r[p].rps)} · ${ms(r[p].p50)} · ${ms(r[p].p90)} · ${ms(r[p].p99)}`)]),
  );
  const failed = measured.reduce((n, r) => n + PATHS.reduce((m, p) => m + r[p].bad, 0), 0);
  const errorsOf = (errors) =>
    Object.keys(errors).length
      ? Object.entries(errors)
          .map(([kind, n]) => `${n} × ${kind}`)
          .join('; ')
      : 'none';
  const markdown = [
    pathTable(measured),
    '',
    vs,
    '',
    ...(failed ? [`**${failed} answers were not 2xx (or failed, or timed out)**: their rounds do not measure the same work; the latencies count 2xx answers only.`, ''] : []),
    `Redis commands per proxied call in the timed rounds (INFO commandstats ÷ calls): ${Object.entries(redisPerCall).map(([cmd, n]) => `${n.toFixed(3)} ${cmd.toUpperCase()}`).join(', ') || 'none'}. Redis counts the commands a script runs as well as the script: one EVAL with its GET and PTTL is one round trip; a PEXPIRE is a second one (the idle-expiry touch).`,
    '',
    `Token refreshes at the authorization server during the warm-up, the measured runs and the memory batches: **${refreshes}**${refreshes === 0 ? ' (the access tokens live ' + TOKEN_TTL_S + ' s; the BFF refreshes 30 s before expiry)' : ' — **a refresh fell inside the runs: its round is distorted**'}.`,
    '',
    `Errors the BFFs passed to \`onError\` (counted, not printed): memoryStore ${errorsOf(bffErrors.bff)}; redisStore ${errorsOf(bffErrors.redis)}. An AbortError is a call still in flight when autocannon closed its connections at the end of a run.`,
    '',
    'Every round, one run per path:',
    '',
    raw,
    '',
    `autocannon 9, ${connections} connections, pipelining 1, ${duration} s per run after a ${warmup} s warm-up per path; ${rounds} round(s), the order of the paths rotated each round. Cells are the median over rounds, (min–max) when there are several; ratios are taken within a round. Latencies come from autocannon's per-response timer (process.hrtime, 2xx only): its summary histogram records whole milliseconds. The notes API (\`examples/vite-app/server/notesApi.mjs\`, jose-verified JWT, ${SEEDED_NOTES} notes in the list) and the dev server run in one worker thread, the bare proxy in another, each BFF in a child process of its own, redis-server (started for the run: \`--save '' --appendonly no\`, 127.0.0.1) in its own, autocannon on the main thread; ${cores} core(s) (1-minute load average ${load.map((l) => l.toFixed(2)).join(' at the start, ')} at the end: anything else running on the machine shows in the figures). \`bff.node\` (used here) forwards with node:http and a keep-alive agent of its own (\`bff.fetch\` forwards with fetch), the bare proxy with node:http and a keep-alive agent. "added latency / bare proxy added latency" is the design's "BFF proxy overhead … within 1.5 × the bare proxy" read as overhead over the direct call.`,
    ...(memory ? ['', `### Memory of the BFF process over ${int(requests)} proxied calls`, '', memoryTable(memory)] : []),
  ].join('\n');
  return { markdown, rounds: measured, overhead, refreshes, bffErrors, cores, connections, memory };
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const flag = (name, fallback, max, min = 1) => {
    const i = process.argv.indexOf(`--${name}`);
    if (i < 0) return fallback;
    const v = Number(process.argv[i + 1]);
    if (!Number.isInteger(v) || v < min || v > max) {
      process.stderr.write(`--${name} takes a whole number from ${min} to ${max}\n`);
      process.exit(2);
    }
    return v;
  };
  if (process.argv.includes('--help')) {
    console.log('node bench/src/bff.mjs [--duration 5] [--connections 10] [--rounds 2] [--warmup 2] [--requests 100000] [--batches 2]   (after pnpm build; --requests calls per BFF in --batches equal batches, 0 skips them; writes bench/results/bff.md)');
    process.exit(0);
  }
  const options = {
    duration: flag('duration', 5, 60),
    connections: flag('connections', 10, 200),
    rounds: flag('rounds', 2, 10),
    warmup: flag('warmup', 2, 30),
    requests: flag('requests', 100_000, 1_000_000),
    batches: flag('batches', 2, 10, 0),
  };
  const started = performance.now();
  const { markdown } = await bffBench({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
  const out = [`# BFF proxy overhead per API call, memoryStore and redisStore`, '', `${new Date().toISOString()} · Node ${process.versions.node} · ${process.platform}/${process.arch}`, '', markdown, '', `Run time ${((performance.now() - started) / 1000).toFixed(1)} s.`, ''].join('\n');
  console.log(out);
  const resultsDir = join(here, '..', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'bff.md'), out);
  process.stderr.write(`[bff] written to ${join(resultsDir, 'bff.md')}\n`);
}
