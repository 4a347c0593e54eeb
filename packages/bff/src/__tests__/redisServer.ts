/**
 * A real redis-server (Debian's, which `node scripts/ensure-redis.mjs` installs) for one test
 * file: started on a free 127.0.0.1 port with no persistence, stopped in afterAll. Every wait is
 * bounded. It can be stopped and started again on the same port (a restart), or frozen with
 * SIGSTOP and thawed (a Redis that is there but does not answer).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { createClient } from 'redis';

const BINARY = process.env.REDIS_SERVER ?? 'redis-server';
const adminClient = (port: number) => createClient({ url: `redis://127.0.0.1:${port}`, socket: { connectTimeout: 2000, reconnectStrategy: false } });
type Admin = ReturnType<typeof adminClient>;
const READY_WITHIN_MS = 5000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

/** Whether a Redis on `port` answers PING (within 500 ms). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => (socket.destroy(), clearTimeout(timer), resolve(ok));
    const timer = setTimeout(() => done(false), 500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.once('error', () => done(false));
  });
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops it (SIGTERM, as a restart does); what it held is gone (no persistence). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing is answered. */
  freeze(): void;
  /** Thaws it (SIGCONT). */
  thaw(): void;
  /** An admin client (connected, closed with the server) to look into it. */
  admin(): Promise<Admin>;
}

export async function startRedis(): Promise<RedisServer> {
  let port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const admins: Admin[] = [];

  const launch = async (): Promise<void> => {
    output = '';
    const started = spawn(BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const failed = new Promise<Error>((resolve) => {
      started.once('error', (error: NodeJS.ErrnoException) =>
        resolve(error.code === 'ENOENT' ? new Error(`${BINARY} not found: run \`node scripts/ensure-redis.mjs\` (apt-get install redis-server) or set REDIS_SERVER`) : error),
      );
      started.once('exit', (code) => resolve(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
    });
    const deadline = Date.now() + READY_WITHIN_MS;
    const ready = (async () => {
      while (Date.now() < deadline) {
        if (await answersPing(port)) return undefined;
        await sleep(20);
      }
      return new Error(`redis-server on ${port} not ready within ${READY_WITHIN_MS} ms:\n${output}`);
    })();
    const error = await Promise.race([ready, failed]);
    if (error) throw error;
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGCONT');
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  // A port taken between the probe and redis-server's bind: try another.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      await stop();
      if (attempt === 3 || !/in use/i.test(String(error))) throw error;
      port = await freePort();
    }
  }

  return {
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    async stop() {
      await Promise.all(admins.splice(0).map((c) => c.destroy()));
      await stop();
    },
    start: launch,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    async admin() {
      const client = adminClient(port);
      client.on('error', () => {});
      await client.connect();
      admins.push(client);
      return client;
    },
  };
}

/** A redis-server for the test file: started in beforeAll, stopped in afterAll. */
export function useRedis(): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('redis-server is not running (beforeAll failed?)');
    return server;
  };
}
