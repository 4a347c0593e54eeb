/**
 * The idle expiry on the hot path: a call pushes its session's expiry back only once a tenth of
 * the idle timeout has passed since the entry was last given one, so most calls make one store
 * round trip (get), not two (get, touch). The store calls are counted on a memoryStore; the
 * store contract (storeContract.ts) proves both stores report the time left that this relies on.
 */
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../stores/memory.js';
import { API, Browser, mockAuthServer, server, signIn, testBff, useMsw, type MockAuthServer } from './fixtures.js';

useMsw();

const IDLE_S = 600;
let as: MockAuthServer;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  // Access tokens outlive every test: a refresh rewrites the session (a new TTL), which would hide a missing touch.
  as = await mockAuthServer({ expiresIn: 24 * 3600 });
  server.use(http.get(`${API}/v1/notes`, () => HttpResponse.json({ notes: [] })));
});
afterEach(() => vi.useRealTimers());

/** A signed-in browser on a BFF whose store's get, set and touch calls are counted. */
async function signedIn() {
  const store = memoryStore();
  const calls = { get: vi.spyOn(store, 'get'), set: vi.spyOn(store, 'set'), touch: vi.spyOn(store, 'touch') };
  const { bff } = testBff({ store, idleTtlSeconds: IDLE_S });
  const browser = new Browser(bff);
  await signIn(browser, as);
  for (const spy of Object.values(calls)) spy.mockClear();
  return { browser, calls };
}

const wait = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

describe('the idle expiry on proxied calls', () => {
  it('a busy session never idles out, whatever the gaps under 0.9 × the idle timeout, and still idles out after it', async () => {
    const { browser } = await signedIn();
    // 60 calls over about 4.5 idle timeouts, the gaps from 1 s to 539 s in a scrambled order.
    for (let i = 1; i <= 60; i++) {
      wait(1 + ((i * 97) % 539));
      expect((await browser.app('/api/notes')).status).toBe(200);
    }
    expect(as.requests.token.filter((form) => form.get('grant_type') === 'refresh_token')).toHaveLength(0);
    wait(IDLE_S);
    expect((await browser.app('/api/notes')).status).toBe(401);
  });

  it('a call within a tenth of the idle timeout since the last write makes one store call (get) and no touch', async () => {
    const { browser, calls } = await signedIn();
    wait(IDLE_S / 10 - 1);
    expect((await browser.app('/api/notes')).status).toBe(200);
    expect(calls.get).toHaveBeenCalledTimes(1);
    expect(calls.touch).not.toHaveBeenCalled();
    expect(calls.set).not.toHaveBeenCalled();
  });

  it('a call after that touches once, to the full idle timeout, and the next calls do not again', async () => {
    const { browser, calls } = await signedIn();
    wait(IDLE_S / 10 + 1);
    expect((await browser.app('/api/notes')).status).toBe(200);
    expect(calls.touch).toHaveBeenCalledTimes(1);
    expect(calls.touch.mock.calls[0]?.[1]).toBe(IDLE_S * 1000);
    wait(IDLE_S / 10 - 1);
    expect((await browser.app('/api/notes')).status).toBe(200);
    expect(calls.touch).toHaveBeenCalledTimes(1);
    wait(2);
    expect((await browser.app('/api/notes')).status).toBe(200);
    expect(calls.touch).toHaveBeenCalledTimes(2);
  });
});
