// Section 3: from arriving at the redirect URI to signed in, and the returning visit, in chromium
// against the dev server: pkce-auth vs react-oidc-context. Each app is bundled with esbuild,
// served from 127.0.0.1:<free port>, and registered with the dev server as an app origin.
import { startDevServer } from '@pkce-auth/dev-server';
import { build } from 'esbuild';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { BROWSER_BUILD } from './bundle.mjs';
import { median, serveStatic, table, withTimeout } from './lib.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const APPS = [
  ['pkce-auth', 'pkce-auth.jsx'],
  ['react-oidc-context', 'react-oidc-context.jsx'],
];
const STEP_TIMEOUT_MS = 15_000;
const SETTLE_MS = 300;

// Runs in every document before its scripts: records what #root shows after each commit
// (the first entry is the first render) and when #signed-in first appears (browser clock, epoch ms).
const PROBE = `(() => {
  const bench = { renders: [], signedInAt: undefined };
  window.__bench = bench;
  const check = () => {
    const root = document.getElementById('root');
    if (!root) return;
    const first = root.firstElementChild;
    const id = first ? first.id || first.tagName.toLowerCase() : root.textContent ? 'text' : null;
    const now = performance.timeOrigin + performance.now();
    if (id && bench.renders[bench.renders.length - 1]?.id !== id) bench.renders.push({ id, t: now });
    if (bench.signedInAt === undefined && document.getElementById('signed-in')) bench.signedInAt = now;
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
})();`;

async function bundle(file, outdir) {
  await mkdir(outdir, { recursive: true });
  // React is bundled here (the page must run on its own); everything else as in the size bench.
  await build({ ...BROWSER_BUILD, entryPoints: [join(here, '..', 'e2e', file)], outfile: join(outdir, 'app.js') });
}

function indexHtml(issuer) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>callback bench</title>
<script>window.BENCH_ISSUER = ${JSON.stringify(issuer)};</script></head>
<body><div id="root"></div><script type="module" src="/app.js"></script></body></html>`;
}

/** Names a request to the issuer by the endpoint it hits. */
function classifier(issuer, discovery) {
  const origin = new URL(issuer).origin;
  const names = new Map([[new URL('/.well-known/openid-configuration', issuer).pathname, 'discovery']]);
  for (const [key, name] of [
    ['token_endpoint', 'token'],
    ['userinfo_endpoint', 'userinfo'],
    ['jwks_uri', 'jwks'],
    ['revocation_endpoint', 'revocation'],
    ['authorization_endpoint', 'authorize'],
  ]) {
    if (discovery[key]) names.set(new URL(discovery[key]).pathname, name);
  }
  return (url) => {
    const u = new URL(url);
    if (u.origin !== origin) return undefined;
    return names.get(u.pathname) ?? `other ${u.pathname}`;
  };
}

/**
 * Records requests from the moment `isStart(request)` matches. Start times come from
 * `request.timing().startTime` (browser clock, epoch ms; filled in once the response arrives),
 * else from the Node clock when the event arrived (a request still in flight).
 */
function recorder(page, isStart) {
  const rec = { started: false, first: undefined, requests: [] };
  const onRequest = (request) => {
    if (!rec.started && isStart(request)) {
      rec.started = true;
      rec.first = request;
    }
    if (rec.started) rec.requests.push({ request, seenAt: Date.now() });
  };
  page.on('request', onRequest);
  rec.dispose = () => page.off('request', onRequest);
  rec.startTime = (entry) => {
    const t = entry.request.timing().startTime;
    return t > 0 ? t : entry.seenAt;
  };
  return rec;
}

const isDocument = (origin, path) => (request) => {
  if (!request.isNavigationRequest()) return false;
  const u = new URL(request.url());
  return u.origin === origin && (path === undefined || u.pathname === path);
};

async function readProbe(page) {
  await page.waitForFunction(() => window.__bench?.signedInAt !== undefined || document.getElementById('auth-error'), null, { timeout: STEP_TIMEOUT_MS });
  const probe = await page.evaluate(() => ({ ...window.__bench, error: document.getElementById('auth-error')?.textContent ?? null }));
  if (probe.error) throw new Error(`the app shows an error: ${probe.error}`);
  return probe;
}

function windowFigures(rec, probe, classify) {
  const startAt = rec.startTime(rec.requests[0]);
  // Requests that started between the document request and #signed-in appearing.
  const inside = rec.requests.filter((e) => rec.startTime(e) <= probe.signedInAt + 0.5);
  const after = rec.requests.filter((e) => rec.startTime(e) > probe.signedInAt + 0.5);
  const issuer = inside.map((e) => classify(e.request.url())).filter(Boolean);
  const issuerTimes = inside
    .filter((e) => classify(e.request.url()))
    .map((e) => {
      const start = rec.startTime(e) - startAt;
      const end = e.request.timing().responseEnd;
      return { start, end: end >= 0 ? start + end : NaN };
    });
  return {
    all: inside.length,
    issuer: issuer.length,
    kinds: issuer,
    afterIssuer: after.map((e) => classify(e.request.url())).filter(Boolean),
    ms: probe.signedInAt - startAt,
    firstIssuerAt: issuerTimes.length ? Math.min(...issuerTimes.map((t) => t.start)) : NaN,
    afterLastIssuer: issuerTimes.length ? probe.signedInAt - startAt - Math.max(...issuerTimes.map((t) => t.end)) : NaN,
    timeline: rec.requests.map((e) => {
      const t = e.request.timing();
      const start = rec.startTime(e) - startAt;
      return { what: classify(e.request.url()) ?? new URL(e.request.url()).pathname, start, end: t.responseEnd >= 0 ? start + t.responseEnd : undefined };
    }),
    firstRender: probe.renders[0]?.id,
    renders: probe.renders.map((r) => r.id),
  };
}

async function oneRun({ browser, app, issuer, classify }) {
  const context = await browser.newContext();
  try {
    await context.addInitScript(PROBE);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(`${app.origin}/`);
    await page.click('#login');
    await page.waitForURL((u) => u.origin === new URL(issuer).origin && u.pathname.startsWith('/interaction/'));
    await page.fill('input[name="username"]', 'demo');
    await page.fill('input[name="password"]', 'demo');
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/interaction/') || u.origin === app.origin), page.click('#sign-in')]);
    const first = recorder(page, isDocument(app.origin, '/callback'));
    // Consent is asked once per browser session and client: a fresh context always sees it.
    if (await page.locator('#allow').count()) await page.click('#allow');
    const callbackProbe = await readProbe(page);
    await page.waitForTimeout(SETTLE_MS); // let responses land (their timings) and catch late requests
    first.dispose();
    if (!first.started) throw new Error('never saw the /callback document request');
    const callback = windowFigures(first, callbackProbe, classify);

    const again = recorder(page, isDocument(app.origin));
    await page.reload();
    const returningProbe = await readProbe(page);
    await page.waitForTimeout(SETTLE_MS);
    again.dispose();
    const returning = windowFigures(again, returningProbe, classify);
    return { callback, returning };
  } finally {
    await context.close();
  }
}

/** Runs the section; returns `{ markdown, results }`. */
export async function callbackBench({ runs = 3, log = () => {} } = {}) {
  const cleanup = [];
  const results = [];
  try {
    const dir = await mkdtemp(join(tmpdir(), 'pkce-auth-bench-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const apps = [];
    for (const [name, file] of APPS) {
      const out = join(dir, name);
      await bundle(file, out);
      const server = await serveStatic(out);
      cleanup.push(() => server.stop());
      apps.push({ name, dir: out, origin: server.origin });
    }
    const auth = await startDevServer({ port: 0, appOrigins: apps.map((a) => a.origin) });
    cleanup.push(() => auth.stop());
    for (const app of apps) await writeFile(join(app.dir, 'index.html'), indexHtml(auth.issuer));
    const discovery = await (await fetch(`${auth.issuer}/.well-known/openid-configuration`)).json();
    const classify = classifier(auth.issuer, discovery);

    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    cleanup.push(() => browser.close());
    // One discarded warm-up run per app (JIT of the server and the browser), then the apps
    // alternate run by run so drift on a busy machine hits both alike.
    const state = apps.map((app) => ({ app, samples: [], error: undefined }));
    for (let run = -1; run < runs; run++) {
      for (const entry of state) {
        if (entry.error) continue;
        try {
          const sample = await withTimeout(oneRun({ browser, app: entry.app, issuer: auth.issuer, classify }), 4 * STEP_TIMEOUT_MS, `${entry.app.name} run ${run + 2}`);
          if (run >= 0) entry.samples.push(sample);
        } catch (err) {
          entry.error = err;
        }
      }
    }
    for (const { app, samples, error } of state) {
      if (samples.length) {
        const last = samples.at(-1);
        log(`[callback] ${app.name}: callback ${last.callback.issuer} issuer request(s) (${last.callback.kinds.join(', ')}), ${median(samples.map((s) => s.callback.ms)).toFixed(0)} ms; returning ${last.returning.issuer} request(s), first render ${last.returning.firstRender}`);
      }
      if (error) log(`[callback] ${app.name}: failed: ${error.message}`);
      results.push({ name: app.name, samples, error });
    }
  } finally {
    for (const fn of cleanup.reverse()) {
      try {
        await withTimeout(Promise.resolve().then(fn), 10_000, 'cleanup');
      } catch {
        // keep cleaning up the rest
      }
    }
  }
  return { markdown: render(results, runs), results };
}

const same = (values) => {
  const set = [...new Set(values.map(String))];
  return set.length === 1 ? set[0] : set.join(' / ');
};
const kinds = (list) => {
  const counts = new Map();
  for (const k of list) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, c]) => (c > 1 ? `${k} ×${c}` : k)).join(', ') || '—';
};

function render(results, runs) {
  const fail = (r) => `failed: ${String(r.error?.message ?? r.error).replaceAll('|', '\\|').slice(0, 160)}`;
  const partial = (r) => (r.error ? ` (${r.samples.length} of ${runs} runs; then ${fail(r)})` : '');
  const callbackRows = results.map((r) => {
    if (!r.samples.length) return [r.name, fail(r), '', '', ''];
    const c = r.samples.map((s) => s.callback);
    return [
      r.name + partial(r),
      same(c.map((x) => x.issuer)),
      same(c.map((x) => kinds(x.kinds))),
      same(c.map((x) => x.all)),
      median(c.map((x) => x.firstIssuerAt)).toFixed(0),
      median(c.map((x) => x.afterLastIssuer)).toFixed(0),
      median(c.map((x) => x.ms)).toFixed(0),
    ];
  });
  const returningRows = results.map((r) => {
    if (!r.samples.length) return [r.name, fail(r), '', '', '', ''];
    const c = r.samples.map((s) => s.returning);
    return [
      r.name + partial(r),
      same(c.map((x) => x.firstRender)) === 'signed-in' ? 'yes (`#signed-in`)' : `no: ${same(c.map((x) => x.renders.join(' → ')))}`,
      same(c.map((x) => x.issuer)),
      same(c.map((x) => kinds(x.kinds))),
      same(c.map((x) => x.all)),
      median(c.map((x) => x.ms)).toFixed(0),
    ];
  });
  return [
    `**Callback** (from the \`/callback\` document request to \`#signed-in\` in the DOM; median of ${runs} runs, fresh browser context each)`,
    '',
    table(
      ['SDK', 'requests to the issuer', 'which', 'all page requests (document + app.js + issuer)', 'first issuer request starts at ms', 'last issuer response → `#signed-in` ms', 'ms to `#signed-in`'],
      callbackRows,
      ['---', '---:', '---', '---:', '---:', '---:', '---:'],
    ),
    '',
    `**Returning visit** (reload of the signed-in page; from the document request to \`#signed-in\`)`,
    '',
    table(['SDK', 'first render already signed in', 'requests to the issuer', 'which', 'all page requests', 'ms'], returningRows, ['---', '---', '---:', '---', '---:', '---:']),
  ].join('\n');
}
