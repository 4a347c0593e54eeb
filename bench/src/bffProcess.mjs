// The BFF under test in bff.mjs, alone in its own child process (forked with --expose-gc), so
// its RSS is its own: neither autocannon nor the upstream nor the bare proxy count. It mounts
// `createBff` with `bff.node` on node:http (127.0.0.1, a free port) and `apis: [{ path: '/api/notes' }]`,
// with `memoryStore()` or `redisStore({ url, prefix })` as the parent says.
// Commands arrive over IPC as `{ id, cmd, ...args }` and are answered `{ id, result }` or `{ id, error }`.
import { createServer } from 'node:http';

const mounted = {};
const server = createServer((req, res) => {
  if (!mounted.bff) return void res.writeHead(503).end();
  void mounted.bff.node(req, res, () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not the BFF'));
});
server.keepAliveTimeout = 30_000;
// What the BFF hands its onError (by kind), counted instead of printed.
const bffErrors = {};
const onError = (error) => {
  const kind = `${error?.name ?? 'Error'}: ${String(error?.message ?? error).split('\n')[0]}`;
  bffErrors[kind] = (bffErrors[kind] ?? 0) + 1;
};

/** RSS and heap in bytes, after two forced collections when the process runs with --expose-gc. */
function memory() {
  const collected = typeof globalThis.gc === 'function';
  if (collected) {
    globalThis.gc();
    globalThis.gc();
  }
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, collected };
}

const commands = {
  async configure({ issuer, notesTarget, bffOptions, store }) {
    const { createBff, memoryStore, redisStore } = await import('@pkce-auth/bff');
    const { CLIENTS } = await import('@pkce-auth/dev-server');
    const sessions = store.kind === 'redis' ? redisStore({ url: store.url, prefix: store.prefix }) : memoryStore();
    mounted.bff = createBff({ issuer, ...CLIENTS.bff, baseUrl: origin, apis: [{ path: '/api/notes', target: notesTarget }], onError, store: sessions, ...bffOptions });
    return {};
  },
  memory: async () => memory(),
  bffErrors: async () => ({ ...bffErrors }),
  async stop() {
    await new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await mounted.bff?.close(); // releases the store: closes the Redis connection it opened
    return {};
  },
};

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', resolve);
});
const origin = `http://127.0.0.1:${server.address().port}`;
process.on('message', async ({ id, cmd, ...args }) => {
  try {
    process.send({ id, result: await commands[cmd](args) });
    if (cmd === 'stop') process.disconnect();
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
// The parent gone (killed, crashed) means nobody will say stop: do not linger.
process.on('disconnect', () => setTimeout(() => process.exit(0), 1000).unref());
process.send({ id: 'ready', result: { origin } });
