// A redis-server for one benchmark run (bff.mjs): Debian's binary (`node scripts/ensure-redis.mjs`
// installs it; REDIS_SERVER overrides the path) on 127.0.0.1 and a free port, no persistence,
// stopped by its PID at the end. Every wait is bounded. `commandStats()` reads INFO commandstats
// over a raw socket, so the bench can count the commands the BFF sent per proxied request.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { freePort } from './lib.mjs';
import { ownPid } from './remote.mjs';

const BINARY = process.env.REDIS_SERVER ?? 'redis-server';
const READY_WITHIN_MS = 5000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one inline command and resolves to the raw reply once `done(reply)` says it is whole (bounded by 2 s). */
function ask(port, command, done) {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    const finish = (error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply);
    };
    const timer = setTimeout(() => finish(new Error(`redis-server on ${port} did not answer ${command} within 2 s`)), 2000);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (data) => {
      reply += data.toString('latin1');
      if (done(reply)) finish();
    });
    socket.once('error', finish);
  });
}

const answersPing = (port) =>
  ask(port, 'PING', (reply) => reply.includes('\r\n')).then(
    (reply) => reply.startsWith('+PONG'),
    () => false,
  );

/** A bulk reply (`$<length>\r\n<bytes>\r\n`) is whole once its announced length has arrived. */
const wholeBulk = (reply) => {
  const match = /^\$(\d+)\r\n/.exec(reply);
  return match !== null && reply.length >= match[0].length + Number(match[1]) + 2;
};

/**
 * Starts redis-server as the load benchmark asks (`--save '' --appendonly no`, bound to
 * 127.0.0.1). Resolves to `{ url, pid, stop(), commandStats() }`.
 */
export async function startRedis() {
  const port = await freePort();
  const child = spawn(BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const forget = child.pid ? ownPid(child.pid) : () => {};
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return void forget();
    const exited = once(child, 'exit');
    process.kill(child.pid, 'SIGTERM');
    const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(child.pid, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    forget();
  };
  const failed = new Promise((resolve) => {
    child.once('error', (error) => resolve(error.code === 'ENOENT' ? new Error(`${BINARY} not found: run \`node scripts/ensure-redis.mjs\` or set REDIS_SERVER`) : error));
    child.once('exit', (code) => resolve(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
  });
  const ready = (async () => {
    for (const deadline = Date.now() + READY_WITHIN_MS; Date.now() < deadline; await sleep(20)) if (await answersPing(port)) return undefined;
    return new Error(`redis-server on ${port} not ready within ${READY_WITHIN_MS} ms:\n${output}`);
  })();
  const error = await Promise.race([ready, failed]);
  if (error) {
    await stop();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    stop,
    /** Calls per command so far (`{ get: 123, pexpire: 120, … }`), from INFO commandstats. */
    async commandStats() {
      const reply = await ask(port, 'INFO commandstats', wholeBulk);
      return Object.fromEntries([...reply.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map(([, name, calls]) => [name, Number(calls)]));
    },
  };
}
