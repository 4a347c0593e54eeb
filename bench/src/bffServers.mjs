// The servers of the BFF proxy benchmark (bff.mjs), each role in its own worker thread so the load
// generator (autocannon, on the main thread), the bare proxy and the upstream never share an event loop:
// - `upstream`: the dev server (oidc-provider, the confidential `notes-bff` client registered for the
//   BFFs' origins) and the example's notes API (`createNotesApi`: JWT checked with jose against the
//   JWKS, issuer, audience, typ, scope), counting the refresh grants the server answers;
// - `proxies`: the baseline of the design's target, a bare node:http reverse proxy that forwards to
//   the same notes API with a fixed `Authorization` header. (The BFFs under test run in child
//   processes of their own: bffProcess.mjs.)
// Commands arrive as `{ id, cmd, ...args }` and are answered `{ id, result }` or `{ id, error }`.
import { Agent, createServer, request as httpRequest } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** Listens on 127.0.0.1 and a free port; resolves to the server and its origin. */
async function listen(handler) {
  const server = createServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

const close = (server) =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/** Hop-by-hop headers (RFC 9110 §7.6.1), which a proxy does not forward. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];
const endToEnd = (headers) => Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.includes(name)));

/**
 * The baseline: a bare reverse proxy on node:http, keep-alive to the upstream, `/api/notes…`
 * mapped to `<target>…` as the BFF maps it, a fixed `Authorization` header, bodies piped.
 */
function bareProxy(route) {
  const agent = new Agent({ keepAlive: true });
  return (req, res) => {
    const { target, authorization } = route;
    if (!target || !req.url.startsWith('/api/notes')) return void res.writeHead(404).end();
    const url = new URL(`${target}${req.url.slice('/api/notes'.length)}`);
    const upstream = httpRequest(url, { method: req.method, agent, headers: { ...endToEnd(req.headers), host: url.host, authorization } }, (answer) => {
      res.writeHead(answer.statusCode, endToEnd(answer.headers));
      answer.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(upstream);
  };
}

async function startProxies() {
  const route = {};
  const bare = await listen(bareProxy(route));
  return {
    info: { bareOrigin: bare.origin },
    commands: {
      async configure({ notesTarget, bearer }) {
        route.target = notesTarget;
        route.authorization = `Bearer ${bearer}`;
        return {};
      },
      async stop() {
        await close(bare.server);
        return {};
      },
    },
  };
}

async function startUpstream({ appOrigins, accessTokenTtl }) {
  const { startDevServer } = await import('@pkce-auth/dev-server');
  const { createNotesApi } = await import('../../examples/vite-app/server/notesApi.mjs');
  const dev = await startDevServer({ port: 0, appOrigins, accessTokenTtl });
  const grants = { refresh: 0, refreshErrors: 0, other: 0 };
  dev.provider.on('grant.success', (ctx) => (ctx.oidc?.params?.grant_type === 'refresh_token' ? grants.refresh++ : grants.other++));
  dev.provider.on('grant.error', (ctx) => void (ctx.oidc?.params?.grant_type === 'refresh_token' && grants.refreshErrors++));
  let api;
  try {
    api = await createNotesApi({ issuer: dev.issuer, audience: dev.resource, port: 0 });
  } catch (error) {
    await dev.stop();
    throw error;
  }
  return {
    info: { issuer: dev.issuer, resource: dev.resource, notesUrl: api.url },
    commands: {
      async grants() {
        return { ...grants };
      },
      async stop() {
        await Promise.all([api.stop(), dev.stop()]);
        return {};
      },
    },
  };
}

const roles = { proxies: startProxies, upstream: startUpstream };
try {
  const { info, commands } = await roles[workerData.role](workerData);
  parentPort.on('message', async ({ id, cmd, ...args }) => {
    try {
      parentPort.postMessage({ id, result: await commands[cmd](args) });
      if (cmd === 'stop') parentPort.close();
    } catch (error) {
      parentPort.postMessage({ id, error: String(error?.stack ?? error) });
    }
  });
  parentPort.postMessage({ id: 'ready', result: info });
} catch (error) {
  parentPort.postMessage({ id: 'ready', error: String(error?.stack ?? error) });
}
