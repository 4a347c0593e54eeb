/**
 * The {@link SessionStore} contract, run against every store (memoryStore.test.ts,
 * redisStore.test.ts): what the BFF relies on, whatever keeps its state. Times are in units of
 * the harness's `unit`, and every "still there" check has two units to spare, so a store on
 * real time (Redis) passes it as surely as one on a fake clock.
 */
import { describe, it } from 'vitest';
import type { SessionStore } from '../store.js';

export interface StoreHarness {
  /** A fresh store, sharing nothing with the others it made. */
  make(): SessionStore;
  /** Lets `ms` pass for the stores it makes (a fake clock, or real time). */
  pass(ms: number): Promise<void>;
  /** The time unit of the cases, in ms. */
  unit: number;
  /** Run the cases at once (each has its own store): for a store on real time. */
  concurrent?: boolean;
}

export function describeStoreContract(name: string, harness: () => StoreHarness): void {
  const describeIt = (title: string, cases: () => void) => (harness().concurrent ? describe.concurrent : describe)(`${name}: ${title}`, cases);
  const setup = () => {
    const h = harness();
    return { store: h.make(), pass: (units: number) => h.pass(units * h.unit), ttl: (units: number) => units * h.unit };
  };

  describeIt('values', () => {
    it('gets what it set until the TTL passes', async ({ expect }) => {
      const { store, pass, ttl } = setup();
      expect(await store.set('k', 'v', ttl(4))).toBe(true);
      expect((await store.get('k'))?.value).toBe('v');
      await pass(2);
      expect((await store.get('k'))?.value).toBe('v');
      await pass(3);
      expect((await store.get('k'))?.value).toBeUndefined();
      expect((await store.get('never'))?.value).toBeUndefined();
    });

    it("'absent' stores only without a live entry; 'present' only with one", async ({ expect }) => {
      const { store, pass, ttl } = setup();
      expect(await store.set('k', 'a', ttl(4), 'present')).toBe(false);
      expect((await store.get('k'))?.value).toBeUndefined();
      expect(await store.set('k', 'a', ttl(4), 'absent')).toBe(true);
      expect(await store.set('k', 'b', ttl(4), 'absent')).toBe(false);
      expect((await store.get('k'))?.value).toBe('a');
      expect(await store.set('k', 'c', ttl(4), 'present')).toBe(true);
      expect((await store.get('k'))?.value).toBe('c');
      await pass(5);
      expect(await store.set('k', 'd', ttl(4), 'present')).toBe(false);
      expect(await store.set('k', 'd', ttl(4), 'absent')).toBe(true);
      expect((await store.get('k'))?.value).toBe('d');
    });

    it('touch extends a live entry without rewriting it, and not a dead or missing one', async ({ expect }) => {
      const { store, pass, ttl } = setup();
      await store.set('k', 'v', ttl(4));
      await pass(1);
      expect(await store.touch('k', ttl(6))).toBe(true);
      await pass(4);
      expect((await store.get('k'))?.value).toBe('v');
      await pass(3);
      expect(await store.touch('k', ttl(6))).toBe(false);
      expect((await store.get('k'))?.value).toBeUndefined();
      expect(await store.touch('never', ttl(6))).toBe(false);
    });

    it('get tells the time left to live, which set and touch give anew', async ({ expect }) => {
      const { store, pass, ttl } = setup();
      await store.set('k', 'v', ttl(8));
      const fresh = (await store.get('k'))?.ttlMs ?? NaN;
      expect(fresh).toBeGreaterThan(ttl(6));
      expect(fresh).toBeLessThanOrEqual(ttl(8));
      await pass(4);
      const later = (await store.get('k'))?.ttlMs ?? NaN;
      expect(later).toBeGreaterThan(0);
      expect(later).toBeLessThanOrEqual(ttl(4));
      await store.touch('k', ttl(8));
      expect((await store.get('k'))?.ttlMs).toBeGreaterThan(ttl(6));
      await store.set('k', 'w', ttl(8), 'present');
      expect(await store.get('k')).toMatchObject({ value: 'w', ttlMs: expect.any(Number) });
    });

    it('delete removes (absent is fine); values are kept exactly', async ({ expect }) => {
      const { store, ttl } = setup();
      const value = `${'sealed-'.repeat(2000)}é✓`;
      await store.set('k', value, ttl(4));
      expect((await store.get('k'))?.value).toBe(value);
      await store.delete('k');
      expect((await store.get('k'))?.value).toBeUndefined();
      await store.delete('absent');
    });
  });

  describeIt('indexes', () => {
    it('lists members until each one’s TTL passes, and removes them', async ({ expect }) => {
      const { store, pass, ttl } = setup();
      await store.addToIndex('sub:x', 's1', ttl(3));
      await store.addToIndex('sub:x', 's2', ttl(8));
      expect((await store.indexMembers('sub:x')).sort()).toEqual(['s1', 's2']);
      await pass(5);
      expect(await store.indexMembers('sub:x')).toEqual(['s2']);
      await store.removeFromIndex('sub:x', 's2');
      expect(await store.indexMembers('sub:x')).toEqual([]);
      await store.removeFromIndex('sub:x', 's2');
      await store.removeFromIndex('never', 's2');
      expect(await store.indexMembers('never')).toEqual([]);
    });

    it('adding a member again gives it the new TTL, and keeps one of it', async ({ expect }) => {
      const { store, pass, ttl } = setup();
      await store.addToIndex('sid:x', 's1', ttl(1));
      await store.addToIndex('sid:x', 's1', ttl(6));
      await pass(3);
      expect(await store.indexMembers('sid:x')).toEqual(['s1']);
    });

    it('an index is not a value, nor a value an index', async ({ expect }) => {
      const { store, ttl } = setup();
      await store.addToIndex('i', 'm', ttl(4));
      expect((await store.get('i'))?.value).toBeUndefined();
      await store.set('v', 'x', ttl(4));
      expect(await store.indexMembers('v')).toEqual([]);
    });
  });

  describeIt('locks', () => {
    it('one holder at a time; released by its holder only', async ({ expect }) => {
      const { store, ttl } = setup();
      const release = await store.lock('l', ttl(4));
      expect(release).toBeTypeOf('function');
      expect(await store.lock('l', ttl(4))).toBeUndefined();
      expect(await store.lock('other', ttl(4))).toBeTypeOf('function');
      await release!();
      expect(await store.lock('l', ttl(4))).toBeTypeOf('function');
    });

    it('expires, and a late release does not free the next holder’s lock', async ({ expect }) => {
      const { store, pass, ttl } = setup();
      const first = await store.lock('l', ttl(1));
      await pass(2);
      const second = await store.lock('l', ttl(6));
      expect(second).toBeTypeOf('function');
      await first!();
      expect(await store.lock('l', ttl(6))).toBeUndefined();
    });

    it('of concurrent takers exactly one gets it', async ({ expect }) => {
      const { store, ttl } = setup();
      const takers = await Promise.all(Array.from({ length: 20 }, () => store.lock('race', ttl(4))));
      expect(takers.filter(Boolean)).toHaveLength(1);
    });
  });
}
