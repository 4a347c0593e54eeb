import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../stores/memory.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('memoryStore values', () => {
  it('gets what it set until the TTL passes', async () => {
    const store = memoryStore();
    expect(await store.set('k', 'v', 1000)).toBe(true);
    expect(await store.get('k')).toBe('v');
    vi.advanceTimersByTime(999);
    expect(await store.get('k')).toBe('v');
    vi.advanceTimersByTime(1);
    expect(await store.get('k')).toBeUndefined();
  });

  it("'absent' stores only without a live entry; 'present' only with one", async () => {
    const store = memoryStore();
    expect(await store.set('k', 'a', 1000, 'present')).toBe(false);
    expect(await store.get('k')).toBeUndefined();
    expect(await store.set('k', 'a', 1000, 'absent')).toBe(true);
    expect(await store.set('k', 'b', 1000, 'absent')).toBe(false);
    expect(await store.get('k')).toBe('a');
    expect(await store.set('k', 'c', 1000, 'present')).toBe(true);
    expect(await store.get('k')).toBe('c');
    vi.advanceTimersByTime(1000);
    expect(await store.set('k', 'd', 1000, 'absent')).toBe(true);
  });

  it('touch extends a live entry without rewriting it, and not a dead one', async () => {
    const store = memoryStore();
    await store.set('k', 'v', 1000);
    vi.advanceTimersByTime(900);
    expect(await store.touch('k', 1000)).toBe(true);
    vi.advanceTimersByTime(900);
    expect(await store.get('k')).toBe('v');
    vi.advanceTimersByTime(100);
    expect(await store.touch('k', 1000)).toBe(false);
    expect(await store.get('k')).toBeUndefined();
  });

  it('delete removes', async () => {
    const store = memoryStore();
    await store.set('k', 'v', 1000);
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
    await store.delete('absent');
  });

  it('stays within maxEntries, dropping expired entries first, then those expiring soonest', async () => {
    const store = memoryStore({ maxEntries: 3 });
    await store.set('a', '1', 10_000);
    await store.set('b', '2', 100);
    await store.set('c', '3', 20_000);
    vi.advanceTimersByTime(200);
    await store.set('d', '4', 30_000);
    expect([await store.get('a'), await store.get('c'), await store.get('d')]).toEqual(['1', '3', '4']);
    // Full again: 'a' expires soonest, whatever was written last.
    await store.set('e', '5', 30_000);
    expect(await store.get('a')).toBeUndefined();
    expect([await store.get('c'), await store.get('d'), await store.get('e')]).toEqual(['3', '4', '5']);
  });

  it('a flood of short-lived one-time values does not push out the sessions in use', async () => {
    const store = memoryStore({ maxEntries: 100 });
    for (let i = 0; i < 50; i++) await store.set(`session:${i}`, 's', 3_600_000);
    for (let i = 0; i < 1_000; i++) await store.set(`state:${i}`, '1', 600_000, 'absent');
    for (let i = 0; i < 50; i++) expect(await store.get(`session:${i}`)).toBe('s');
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(RangeError);
  });
});

describe('memoryStore indexes', () => {
  it('lists members until each one’s TTL passes, and removes them', async () => {
    const store = memoryStore();
    await store.addToIndex('sub:x', 's1', 1000);
    await store.addToIndex('sub:x', 's2', 5000);
    expect(await store.indexMembers('sub:x')).toEqual(['s1', 's2']);
    vi.advanceTimersByTime(1000);
    expect(await store.indexMembers('sub:x')).toEqual(['s2']);
    await store.removeFromIndex('sub:x', 's2');
    expect(await store.indexMembers('sub:x')).toEqual([]);
    expect(await store.indexMembers('never')).toEqual([]);
  });

  it('an index is not a value', async () => {
    const store = memoryStore();
    await store.addToIndex('i', 'm', 1000);
    expect(await store.get('i')).toBeUndefined();
  });
});

describe('memoryStore locks', () => {
  it('one holder at a time; released by its holder only', async () => {
    const store = memoryStore();
    const release = await store.lock('l', 1000);
    expect(release).toBeTypeOf('function');
    expect(await store.lock('l', 1000)).toBeUndefined();
    expect(await store.lock('other', 1000)).toBeTypeOf('function');
    await release!();
    expect(await store.lock('l', 1000)).toBeTypeOf('function');
  });

  it('expires, and a late release does not free the next holder’s lock', async () => {
    const store = memoryStore();
    const first = await store.lock('l', 1000);
    vi.advanceTimersByTime(1000);
    const second = await store.lock('l', 1000);
    expect(second).toBeTypeOf('function');
    await first!();
    expect(await store.lock('l', 1000)).toBeUndefined();
  });
});
