/**
 * redisStore against a real redis-server (one per file, see redisServer.ts): the store contract
 * the memory store passes, then what is Redis's own: key spaces and TTLs, who owns the
 * connection, and faults (nothing listening, a frozen server, a restart), each one bounded.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { redisStore, type RedisStore } from '../stores/redis.js';
import { useRedis } from './redisServer.js';
import { describeStoreContract } from './storeContract.js';

const redis = useRedis();
const stores: RedisStore[] = [];
let made = 0;
/** A store of its own (prefix) on this file's Redis, closed after the file. */
const store = (options: Partial<Parameters<typeof redisStore>[0]> = {}): RedisStore => {
  const s = redisStore({ url: redis().url, prefix: `t${++made}:`, ...options } as Parameters<typeof redisStore>[0]);
  stores.push(s);
  return s;
};
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** How long `fn` took to settle, and its error. */
async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; error: Error | undefined }> {
  const start = performance.now();
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  return { ms: performance.now() - start, error };
}
/** Clients connected to this file's Redis but the admin's own. */
const clients = async (admin: Awaited<ReturnType<ReturnType<typeof redis>['admin']>>) => (await admin.clientList()).length - 1;

describeStoreContract('redisStore', () => ({ make: () => store(), pass: sleep, unit: 250, concurrent: true }));

describe('redisStore in Redis', () => {
  it('keeps values, indexes and locks in their own key spaces under its prefix, with Redis TTLs', async () => {
    const s = store({ prefix: 'app1:' });
    await s.set('session:abc', 'sealed', 60_000);
    await s.addToIndex('sub:xyz', 'session:abc', 120_000);
    await s.lock('lock:session:abc', 35_000);
    const admin = await redis().admin();
    expect((await admin.keys('app1:*')).sort()).toEqual(['app1:index:sub:xyz', 'app1:lock:lock:session:abc', 'app1:value:session:abc']);
    expect(await admin.get('app1:value:session:abc')).toBe('sealed');
    const ttls = await Promise.all(['value:session:abc', 'index:sub:xyz', 'lock:lock:session:abc'].map((k) => admin.pTTL(`app1:${k}`)));
    expect(ttls[0]).toBeGreaterThan(59_000);
    expect(ttls[0]).toBeLessThanOrEqual(60_000);
    expect(ttls[1]).toBeGreaterThan(119_000);
    expect(ttls[1]).toBeLessThanOrEqual(120_000);
    expect(ttls[2]).toBeGreaterThan(34_000);
  });

  it('an index lives as long as its longest-lived member, and drops the spent ones as it grows', async () => {
    const s = store({ prefix: 'app2:' });
    const admin = await redis().admin();
    await s.addToIndex('sub:x', 'long', 60_000);
    await s.addToIndex('sub:x', 'short', 100);
    expect(await admin.pTTL('app2:index:sub:x')).toBeGreaterThan(59_000);
    await sleep(150);
    await s.addToIndex('sub:x', 'next', 1_000);
    expect((await admin.zRange('app2:index:sub:x', 0, -1)).sort()).toEqual(['long', 'next']);
  });

  it('a spent TTL (0 or less) stores for the shortest time Redis allows, not forever nor an error', async () => {
    const s = store();
    expect(await s.set('k', 'v', 0)).toBe(true);
    await sleep(20);
    expect((await s.get('k'))?.value).toBeUndefined();
  });
});

describe('redisStore connections', () => {
  it('with a url, connects at the first command, not before, and close() closes it', async () => {
    const admin = await redis().admin();
    const before = await clients(admin);
    const s = redisStore({ url: redis().url, prefix: 'lazy:' });
    await sleep(50);
    expect(await clients(admin)).toBe(before);
    expect((await s.get('k'))?.value).toBeUndefined();
    expect(await clients(admin)).toBe(before + 1);
    await s.close();
    await expect.poll(() => clients(admin), { timeout: 2000 }).toBe(before);
    await expect(s.get('k')).rejects.toThrow(/closed/);
  });

  it('with a client, uses it as it is and leaves it open on close()', async () => {
    const client = createClient({ url: redis().url });
    client.on('error', () => {});
    await client.connect();
    try {
      const s = redisStore({ client, prefix: 'given:' });
      expect(await s.set('k', 'v', 10_000, 'absent')).toBe(true);
      expect((await s.get('k'))?.value).toBe('v');
      await s.close();
      expect(client.isReady).toBe(true);
      expect(await client.get('given:value:k')).toBe('v');
    } finally {
      client.destroy();
    }
  });

  it('refuses options it cannot use', () => {
    expect(() => redisStore({ url: 'http://127.0.0.1:6379' })).toThrow(TypeError);
    expect(() => redisStore({ url: 'redis://user:hunter2@' })).toThrow(/…@/);
    expect(() => redisStore({} as never)).toThrow(/url.*client/);
    expect(() => redisStore({ client: {} as never })).toThrow(/node-redis/);
    expect(() => redisStore({ url: redis().url, commandTimeoutMs: 0 })).toThrow(RangeError);
  });
});

describe('redisStore faults, each bounded', () => {
  it('nothing listening: the first command fails at once, naming the address (never a password) and the cause', async () => {
    const s = redisStore({ url: 'redis://someone:hunter2@127.0.0.1:1', prefix: 'x:' });
    stores.push(s);
    const first = await timed(() => s.get('k'));
    expect(first.error?.message).toMatch(/^Redis at 127\.0\.0\.1:1 is unreachable \(.*ECONNREFUSED/);
    expect(first.error?.message).not.toContain('hunter2');
    expect(first.ms).toBeLessThan(1000);
    const next = await timed(() => s.set('k', 'v', 1000));
    expect(next.error?.message).toMatch(/unreachable/);
    expect(next.ms).toBeLessThan(200);
  });

  it('a frozen Redis (connected, silent): each command fails after commandTimeoutMs, and works once it thaws', async () => {
    const s = store({ commandTimeoutMs: 300 });
    await s.set('k', 'v', 60_000);
    redis().freeze();
    try {
      const results = await Promise.all([timed(() => s.get('k')), timed(() => s.lock('l', 1000)), timed(() => s.indexMembers('i'))]);
      for (const { ms, error } of results) {
        expect(error?.message).toMatch(/did not answer (EVAL|SET|ZRANGE) within 300 ms/);
        expect(ms).toBeGreaterThanOrEqual(295);
        expect(ms).toBeLessThan(900);
      }
    } finally {
      redis().thaw();
    }
    expect((await s.get('k'))?.value).toBe('v');
  });

  it('a restart: commands fail at once while it is down, and work again when it is back', async () => {
    const s = store();
    await s.set('k', 'v', 60_000);
    await redis().stop();
    const down = await Promise.all(Array.from({ length: 5 }, () => timed(() => s.get('k'))));
    for (const { ms, error } of down) {
      expect(error?.message).toMatch(/^Redis at 127\.0\.0\.1:\d+ (is unreachable|failed)/);
      expect(ms).toBeLessThan(250);
    }
    await redis().start();
    const back = performance.now();
    await expect.poll(() => s.set('k', 'again', 60_000).catch(() => false), { timeout: 3000, interval: 20 }).toBe(true);
    expect(performance.now() - back).toBeLessThan(1500);
    expect((await s.get('k'))?.value).toBe('again');
  });
});
