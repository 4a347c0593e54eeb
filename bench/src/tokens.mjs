// Section 2: N concurrent "give me a valid access token" calls after the access token expired,
// against the real dev server (oidc-provider, rotating refresh tokens: reusing a rotated refresh
// token is `invalid_grant` and revokes the grant). Every SDK × N cell starts from a FRESH grant.
import { createAuthClient, discover } from '@pkce-auth/core';
import { signIn, startDevServer } from '@pkce-auth/dev-server';
import { InMemoryWebStorage, User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { jwtClaims, median, table, withTimeout } from './lib.mjs';

const REDIRECT_ORIGIN = 'http://127.0.0.1:5999'; // never served: the token calls need no page
const REDIRECT_URI = `${REDIRECT_ORIGIN}/callback`;
const META_KEYS = ['issuer', 'authorization_endpoint', 'token_endpoint', 'revocation_endpoint', 'end_session_endpoint', 'userinfo_endpoint', 'jwks_uri'];
const CELL_TIMEOUT_MS = 20_000;

/** Counts requests per endpoint path on the way out of the SDK. */
function countingFetch(issuer, counts, inner = globalThis.fetch) {
  const fn = (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (url.origin === new URL(issuer).origin) counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    return inner(input, init);
  };
  return fn;
}

/** Server-side tally of refresh-token grant requests in one cell. */
function serverTally(provider) {
  const tally = { success: 0, errors: 0, invalidGrant: 0, revoked: 0 };
  const onSuccess = (ctx) => {
    if (ctx.oidc?.params?.grant_type === 'refresh_token') tally.success++;
  };
  const onError = (ctx, err) => {
    if (ctx.oidc?.params?.grant_type !== 'refresh_token') return;
    tally.errors++;
    if (err?.error === 'invalid_grant') tally.invalidGrant++;
  };
  const onRevoked = () => tally.revoked++;
  provider.on('grant.success', onSuccess);
  provider.on('grant.error', onError);
  provider.on('grant.revoked', onRevoked);
  tally.dispose = () => {
    provider.off('grant.success', onSuccess);
    provider.off('grant.error', onError);
    provider.off('grant.revoked', onRevoked);
  };
  return tally;
}

/** Whether the refresh token the client now holds is still accepted by the server (its grant alive, it unused). */
async function serverAccepts(provider, refreshToken) {
  if (!refreshToken) return false;
  const rt = await provider.RefreshToken.find(refreshToken);
  if (!rt || rt.consumed || rt.isExpired) return false;
  return Boolean(await provider.Grant.find(rt.grantId));
}

async function pkceAuthCell({ server, meta, n }) {
  const tokens = await signIn({ issuer: server.issuer, redirectUri: REDIRECT_URI });
  const now = Date.now();
  const stored = {
    v: 2,
    issuer: server.issuer,
    clientId: 'notes-spa',
    tokens: {
      accessToken: tokens.access_token,
      tokenType: 'Bearer',
      expiresAt: now - 60_000, // expired a minute ago
      ...(tokens.scope ? { scope: tokens.scope } : {}),
      refreshToken: tokens.refresh_token,
      idToken: tokens.id_token,
    },
    receivedAt: now - 60_000 - tokens.expires_in * 1000,
    user: jwtClaims(tokens.id_token),
    refreshId: 'bench-refresh-1',
  };
  const map = new Map([['pkce-auth:notes-spa:session', JSON.stringify(stored)]]);
  const storage = {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, String(v)),
    removeItem: (k) => void map.delete(k),
  };
  const counts = new Map();
  const client = createAuthClient({
    clientId: 'notes-spa',
    redirectUri: REDIRECT_URI,
    issuer: server.issuer,
    scope: 'openid profile email offline_access notes:read notes:write',
    storage,
    autoRefresh: false,
    fetch: countingFetch(server.issuer, counts),
    navigate: () => {
      throw new Error('the token bench never navigates');
    },
  });
  if (client.getState().status !== 'authenticated') {
    throw new Error(`pkce-auth did not read the preloaded StoredSession (status ${client.getState().status}); has the format in client/storedSession.ts changed?`);
  }
  // Warm the page's discovery cache first (an app that signed in has it), as the oidc-client-ts
  // cell does, so the cell counts the refresh only.
  await discover(server.issuer);
  const tally = serverTally(server.provider);
  try {
    const t0 = performance.now();
    const results = await withTimeout(Promise.allSettled(Array.from({ length: n }, () => client.getAccessToken())), CELL_TIMEOUT_MS, `pkce-auth N=${n}`);
    const ms = performance.now() - t0;
    const raw = map.get('pkce-auth:notes-spa:session');
    const held = raw ? JSON.parse(raw).tokens?.refreshToken : undefined;
    const clientAlive = client.getState().status === 'authenticated';
    return summarize({ results, ms, counts, tokenPath: new URL(meta.token_endpoint).pathname, tally, n, clientAlive, serverAlive: await serverAccepts(server.provider, held) });
  } finally {
    tally.dispose();
    client.destroy();
  }
}

async function oidcClientTsCell({ server, meta, n }) {
  const tokens = await signIn({ issuer: server.issuer, redirectUri: REDIRECT_URI });
  const counts = new Map();
  const realFetch = globalThis.fetch;
  const userManager = new UserManager({
    authority: server.issuer,
    client_id: 'notes-spa',
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email offline_access notes:read notes:write',
    automaticSilentRenew: false, // the timer would be a different experiment; the app's calls are the subject here
    monitorSession: false,
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
  });
  // oidc-client-ts looks up globalThis.fetch per request: count by wrapping it for this cell only.
  globalThis.fetch = countingFetch(server.issuer, counts, realFetch);
  const tally = serverTally(server.provider);
  try {
    // Warm the metadata cache first (an app that signed in has it), so the cell counts the refresh only.
    await userManager.metadataService.getMetadata();
    counts.clear();
    await userManager.storeUser(
      new User({
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        id_token: tokens.id_token,
        token_type: 'Bearer',
        scope: tokens.scope,
        profile: jwtClaims(tokens.id_token),
        expires_at: Math.floor(Date.now() / 1000) - 60,
      }),
    );
    const t0 = performance.now();
    const results = await withTimeout(
      Promise.allSettled(Array.from({ length: n }, () => userManager.signinSilent().then((u) => u?.access_token))),
      CELL_TIMEOUT_MS,
      `oidc-client-ts N=${n}`,
    );
    const ms = performance.now() - t0;
    const user = await userManager.getUser();
    const clientAlive = Boolean(user && !user.expired);
    return summarize({ results, ms, counts, tokenPath: new URL(meta.token_endpoint).pathname, tally, n, clientAlive, serverAlive: await serverAccepts(server.provider, user?.refresh_token) });
  } finally {
    globalThis.fetch = realFetch;
    tally.dispose();
    userManager.events.unload?.();
  }
}

function summarize({ results, ms, counts, tokenPath, tally, n, clientAlive, serverAlive }) {
  const got = results.filter((r) => r.status === 'fulfilled' && typeof r.value === 'string' && r.value !== '').map((r) => r.value);
  const rejected = results.filter((r) => r.status === 'rejected');
  const clientInvalidGrant = rejected.filter((r) => /invalid_grant|grant request is invalid/i.test(`${r.reason?.error ?? ''} ${r.reason?.message ?? ''}`)).length;
  return {
    n,
    sent: counts.get(tokenPath) ?? 0,
    otherRequests: [...counts].filter(([p]) => p !== tokenPath).reduce((s, [, c]) => s + c, 0),
    serverRefreshes: tally.success + tally.errors,
    got: got.length,
    distinct: new Set(got).size,
    invalidGrant: tally.invalidGrant,
    clientInvalidGrant,
    firstError: rejected[0] ? String(rejected[0].reason?.message ?? rejected[0].reason).slice(0, 120) : '',
    survived: clientAlive && serverAlive,
    clientAlive,
    serverAlive,
    revoked: tally.revoked > 0,
    ms,
  };
}

const SDKS = [
  ['pkce-auth', pkceAuthCell],
  ['react-oidc-context (oidc-client-ts)', oidcClientTsCell],
];

/**
 * Runs the section; returns `{ markdown, cells }`. `runs` repetitions per cell (fresh grant each);
 * figures are from the last run except wall time, which is the median.
 */
export async function tokenBench({ ns = [1, 10, 20, 100], runs = 3, log = () => {} } = {}) {
  const server = await startDevServer({ port: 0, appOrigins: [REDIRECT_ORIGIN] });
  const cells = [];
  try {
    const discovery = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json();
    const meta = Object.fromEntries(META_KEYS.filter((k) => discovery[k] !== undefined).map((k) => [k, discovery[k]]));
    if (discovery.authorization_response_iss_parameter_supported === true) meta.authorization_response_iss_parameter_supported = true;
    for (const [name, cell] of SDKS) {
      // One discarded N=1 cell per SDK first, so the first measured cell is not the one paying for JIT.
      await cell({ server, meta, n: 1 }).catch(() => {});
      for (const n of ns) {
        const samples = [];
        let error;
        for (let run = 0; run < runs; run++) {
          try {
            samples.push(await cell({ server, meta, n }));
          } catch (err) {
            error = err;
            break;
          }
        }
        log(`[tokens] ${name} N=${n}: ${samples.length ? `${samples.at(-1).sent} refresh request(s), ${median(samples.map((s) => s.ms)).toFixed(1)} ms` : `failed: ${error?.message}`}`);
        cells.push({ name, n, samples, error });
      }
    }
  } finally {
    await server.stop();
  }

  const same = (samples, key) => {
    const values = [...new Set(samples.map((s) => String(s[key])))];
    return values.length === 1 ? values[0] : values.join(' / ');
  };
  const rows = cells.map(({ name, n, samples, error }) => {
    if (!samples.length) return [name, n, `failed: ${String(error?.message ?? error).replaceAll('|', '\\|')}`, '', '', '', '', ''];
    return [
      name,
      n,
      samples.every((s) => s.sent === s.serverRefreshes) ? same(samples, 'sent') : `${same(samples, 'sent')} (server saw ${same(samples, 'serverRefreshes')})`,
      `${same(samples, 'got')} / ${n}`,
      same(samples, 'distinct'),
      same(samples, 'invalidGrant'),
      samples.every((s) => s.survived) ? 'yes' : samples.some((s) => s.survived) ? `${samples.filter((s) => s.survived).length}/${samples.length} runs` : `no${samples.some((s) => s.revoked) ? ' (grant revoked)' : ''}`,
      median(samples.map((s) => s.ms)).toFixed(1),
    ];
  });
  const markdown = [
    table(
      ['SDK', 'N', 'refresh requests sent', 'callers with a token', 'distinct tokens', '`invalid_grant`', 'session survived', `wall ms (median of ${runs})`],
      rows,
      ['---', '---:', '---:', '---:', '---:', '---:', '---', '---:'],
    ),
  ].join('\n');
  return { markdown, cells };
}
