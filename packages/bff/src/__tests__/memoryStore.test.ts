import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../stores/memory.js';
import { describeStoreContract } from './storeContract.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describeStoreContract('memoryStore', () => ({
  make: () => memoryStore(),
  pass: async (ms) => void vi.advanceTimersByTime(ms),
  unit: 1000,
}));

describe('memoryStore, to the millisecond', () => {
  it('a value is there 1 ms before its TTL and gone at it; touch likewise', async () => {
    const store = memoryStore();
    await store.set('k', 'v', 1000);
    vi.advanceTimersByTime(999);
    expect((await store.get('k'))?.value).toBe('v');
    vi.advanceTimersByTime(1);
    expect((await store.get('k'))?.value).toBeUndefined();
    await store.set('t', 'v', 1000);
    vi.advanceTimersByTime(900);
    expect(await store.touch('t', 1000)).toBe(true);
    vi.advanceTimersByTime(999);
    expect((await store.get('t'))?.value).toBe('v');
    vi.advanceTimersByTime(1);
    expect((await store.get('t'))?.value).toBeUndefined();
  });

  it('a lock is free again exactly at its TTL', async () => {
    const store = memoryStore();
    await store.lock('l', 1000);
    vi.advanceTimersByTime(999);
    expect(await store.lock('l', 1000)).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(await store.lock('l', 1000)).toBeTypeOf('function');
  });
});

describe('memoryStore bounds', () => {
  it('stays within maxEntries, dropping expired entries first, then those expiring soonest', async () => {
    const store = memoryStore({ maxEntries: 3 });
    await store.set('a', '1', 10_000);
    await store.set('b', '2', 100);
    await store.set('c', '3', 20_000);
    vi.advanceTimersByTime(200);
    await store.set('d', '4', 30_000);
    expect([(await store.get('a'))?.value, (await store.get('c'))?.value, (await store.get('d'))?.value]).toEqual(['1', '3', '4']);
    // Full again: 'a' expires soonest, whatever was written last.
    await store.set('e', '5', 30_000);
    expect((await store.get('a'))?.value).toBeUndefined();
    expect([(await store.get('c'))?.value, (await store.get('d'))?.value, (await store.get('e'))?.value]).toEqual(['3', '4', '5']);
  });

  it('a flood of short-lived one-time values does not push out the sessions in use', async () => {
    const store = memoryStore({ maxEntries: 100 });
    for (let i = 0; i < 50; i++) await store.set(`session:${i}`, 's', 3_600_000);
    for (let i = 0; i < 1_000; i++) await store.set(`state:${i}`, '1', 600_000, 'absent');
    for (let i = 0; i < 50; i++) expect((await store.get(`session:${i}`))?.value).toBe('s');
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(RangeError);
  });
});
