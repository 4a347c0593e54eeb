import type { RedisClientType } from 'redis';

/**
 * What `redisStore` needs of a Redis client: node-redis's `sendCommand` (a `createClient()`
 * client, connected by its owner). Every store method is one command through it.
 */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Sends one command, bounded in time; its failure says which command and why. */
export type Send = (args: string[]) => Promise<unknown>;

/** How long a new connection may wait for reconnecting, at most: a restarted Redis is back within it. */
const MAX_RECONNECT_DELAY_MS = 500;

/** `host:port` of a Redis URL, never its password. */
export function redisAddress(url: string): string {
  const parsed = URL.parse(url);
  if (!parsed || !/^rediss?:$/.test(parsed.protocol)) throw new TypeError(`redisStore \`url\` must be a redis:// or rediss:// URL, got ${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//…@'))}`);
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}

/** `promise`, or a rejection once `ms` have passed without it settling. */
function within<T>(promise: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A {@link Send} over a client someone else owns (and connects): only the time bound is added. */
export function sendOver(client: RedisCommandClient, commandTimeoutMs: number): Send {
  return (args) => within(client.sendCommand(args), commandTimeoutMs, () => new Error(`Redis did not answer ${args[0]} within ${commandTimeoutMs} ms`));
}

/** What {@link ownedConnection} is told. */
export interface ConnectionOptions {
  url: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

/** What an owned client's events told: whether a connection attempt has ended yet, and the last failure's cause. */
interface ConnectionState {
  attempted: boolean;
  lastError?: Error | undefined;
}

/** A node-redis client that fails fast (no offline queue) and reconnects in the background, connecting now. */
async function connectingClient(options: ConnectionOptions, state: ConnectionState): Promise<RedisClientType> {
  const { createClient } = await import('redis');
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    // While Redis hangs, commands wait for replies; past this many each new one fails at once.
    commandsQueueMaxLength: 10_000,
    socket: { connectTimeout: options.connectTimeoutMs, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS) },
  }) as unknown as RedisClientType;
  // Without an 'error' listener a lost connection would crash the process; the cause is kept for the next failure's message.
  client.on('error', (error: Error) => Object.assign(state, { attempted: true, lastError: error }));
  client.on('ready', () => Object.assign(state, { attempted: true, lastError: undefined }));
  client.connect().catch((error: unknown) => (state.lastError = error instanceof Error ? error : new Error(String(error))));
  return client;
}

/** Settles when `client` is ready or its connection attempt failed, or after `ms`. */
function attemptEnded(client: RedisClientType, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => (clearTimeout(timer), client.off('ready', done), client.off('error', done), resolve());
    const timer = setTimeout(done, ms);
    client.on('ready', done);
    client.on('error', done);
  });
}

/** Why a command failed, for the message: unreachable (with the connection's last cause), or Redis's own error. */
function why(error: unknown, state: ConnectionState): string {
  const offline = error instanceof Error && /offline|closed/i.test(error.name + error.message);
  if (!offline) return `failed: ${error instanceof Error ? error.message : String(error)}`;
  return `is unreachable${state.lastError ? ` (${state.lastError.message || state.lastError.name})` : ''}`;
}

/**
 * A connection the store opens itself: lazily, at the first command, and closed by `close()`.
 * It fails fast rather than queue: no offline queue, so while Redis is away each command
 * rejects at once (saying why) and the reconnection goes on in the background, every
 * {@link MAX_RECONNECT_DELAY_MS} at most. Only the first commands wait, for the first attempt
 * to connect, up to `connectTimeoutMs`. Every command is bounded by `commandTimeoutMs`.
 */
export function ownedConnection(options: ConnectionOptions): { send: Send; close(): Promise<void> } {
  const address = redisAddress(options.url);
  const state: ConnectionState = { attempted: false };
  let client: Promise<RedisClientType> | undefined;
  let firstAttempt: Promise<void> | undefined;
  let closed = false;
  const late = (command: string | undefined) => () => new Error(`Redis at ${address} did not answer ${command} within ${options.commandTimeoutMs} ms`);

  return {
    async send(args) {
      if (closed) throw new Error(`redisStore for ${address} is closed`);
      const made = await (client ??= connectingClient(options, state));
      if (!made.isReady && !state.attempted) await (firstAttempt ??= attemptEnded(made, options.connectTimeoutMs));
      try {
        return await within(made.sendCommand(args), options.commandTimeoutMs, late(args[0]));
      } catch (error) {
        if (error instanceof Error && error.message.startsWith(`Redis at ${address}`)) throw error;
        throw new Error(`Redis at ${address} ${why(error, state)}`, { cause: error });
      }
    },
    async close() {
      closed = true;
      const made = await client?.catch(() => undefined);
      if (!made?.isOpen) return;
      if (made.isReady) await within(made.close(), options.commandTimeoutMs, () => new Error('close timed out')).catch(() => made.destroy());
      else made.destroy();
    },
  };
}
