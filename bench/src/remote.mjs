// The servers of bff.mjs run apart from autocannon: in worker threads (bffServers.mjs) or, for a
// BFF whose RSS is measured, in a child process of its own (bffProcess.mjs). Both answer
// `{ id, cmd, ...args }` messages with `{ id, result }` or `{ id, error }`; `remote()` turns
// either into `call(cmd, args)`, bounded in time. Child processes (and redis-server, via
// `ownPid`) are killed by their PID when this process exits, whatever the cause (SIGINT too).
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { withTimeout } from './lib.mjs';

const owned = new Set();
let hooked = false;

/** Kills `pid` (SIGKILL) if it still runs when this process exits; returns a function that forgets it. */
export function ownPid(pid) {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const p of owned) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
  owned.add(pid);
  return () => owned.delete(pid);
}

/** Ctrl-C (or `kill -INT`) during `fn`: exit 130, which kills the owned PIDs, instead of leaving them behind. */
export async function stopOnSigint(fn) {
  const onSigint = () => {
    process.stderr.write('[bff] interrupted: stopping redis-server and the BFF processes\n');
    process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    return await fn();
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** `call`, `ready`, `check`, `stop` over a message channel (`on`, `post`, `kill`). */
function remote(role, channel) {
  const pending = new Map();
  let next = 0;
  let stopping = false;
  let failure;
  const failAll = (error) => {
    if (!stopping) failure ??= error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  channel.on('message', ({ id, result, error }) => {
    const waiting = pending.get(id);
    if (!waiting) return;
    pending.delete(id);
    if (error) waiting.reject(new Error(`${role}: ${error}`));
    else waiting.resolve(result);
  });
  channel.on('error', failAll);
  channel.on('exit', (code) => failAll(new Error(`${role} exited (${code})`)));
  const ready = withTimeout(new Promise((resolve, reject) => pending.set('ready', { resolve, reject })), 30_000, `${role} start`);
  const call = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      channel.post({ id, cmd, ...args });
    });
  return {
    ready,
    call: (cmd, args) => withTimeout(call(cmd, args), 15_000, `${role} ${cmd}`),
    /** Throws when it died (a crash between two calls would otherwise read as a path answering nothing). */
    check() {
      if (failure) throw new Error(`${role} died: ${failure.stack ?? failure}`);
    },
    async stop() {
      stopping = true;
      await withTimeout(call('stop'), 5000, `${role} stop`).catch(() => {});
      await channel.kill();
    },
  };
}

/** A worker of bffServers.mjs in `role`. */
export function startWorker(role, data = {}) {
  const worker = new Worker(new URL('./bffServers.mjs', import.meta.url), { workerData: { role, ...data } });
  return remote(`${role} worker`, { on: (event, fn) => worker.on(event, fn), post: (message) => worker.postMessage(message), kill: () => worker.terminate() });
}

/** bffProcess.mjs in a child process with --expose-gc (so its heap figure is after a forced GC). */
export function startBffProcess(name) {
  const child = fork(new URL('./bffProcess.mjs', import.meta.url), [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const forget = ownPid(child.pid);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    }
    forget();
  };
  return { pid: child.pid, ...remote(`BFF process (${name})`, { on: (event, fn) => child.on(event, fn), post: (message) => child.send(message), kill }) };
}
