// loginWithPopup(): the popup opened within the call, the redirect page handing its response to
// the opener over a BroadcastChannel, and the opener exchanging the code once. The popup is a
// stand-in Window (jsdom opens none); both pages run in this realm, each with its own client.
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthError } from '../errors.js';
import { PENDING_TTL_MS } from '../client/pendingLogins.js';
import { CLIENT_ID, fakeServer, ISSUER, json, makeClient, REDIRECT_URI, signIn, TOKEN_ENDPOINT } from './fixtures.js';
import { server } from './msw.js';

const iss = encodeURIComponent(ISSUER);
const pendingCount = (): number => Object.keys(JSON.parse(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:pending`) ?? '{}') as object).length;
const channelName = `pkce-auth:${CLIENT_ID}:popup`;

/** A popup as the opener sees it: where it was sent, whether it is closed. */
function fakePopup() {
  const popup = { closed: false, location: { href: '' }, close: vi.fn(() => void (popup.closed = true)), focus: vi.fn() };
  const open = vi.spyOn(window, 'open').mockReturnValue(popup as unknown as Window);
  return { popup, open };
}

/** Resolves once `check` returns something truthy (the flow's steps are promise and message hops). */
async function until<T>(check: () => T): Promise<T> {
  for (let i = 0; i < 20_000; i++) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never met');
}

/** Starts a popup login up to the popup's arrival at the authorization endpoint. */
async function started(fake = fakeServer()) {
  const { popup, open } = fakePopup();
  const { client, navigations } = makeClient();
  const done = client.loginWithPopup();
  // Opened synchronously, inside the click, before anything was awaited.
  expect(open).toHaveBeenCalledTimes(1);
  expect(open.mock.calls[0]?.[0]).toBe('');
  const authorize = new URL(await until(() => popup.location.href));
  const state = authorize.searchParams.get('state') as string;
  fake.state.nonce = authorize.searchParams.get('nonce') ?? undefined;
  return { fake, client, navigations, popup, open, done, authorize, state, callback: (code = 'c1', s = state) => `${REDIRECT_URI}?code=${code}&state=${s}&iss=${iss}` };
}

/** The redirect page inside the popup: its own client, as after the navigation there. */
async function redirectPage(url: string) {
  const close = vi.spyOn(window, 'close').mockImplementation(() => undefined);
  const { client } = makeClient();
  const result = await client.handleCallback(url);
  return { result, close, client };
}

function post(data: unknown): void {
  const channel = new BroadcastChannel(channelName);
  channel.postMessage(data);
  channel.close();
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('loginWithPopup()', () => {
  it('signs in with exactly one token request; the redirect page hands off and does not exchange', async () => {
    const { fake, client, navigations, popup, done, authorize, state, callback } = await started();
    expect(authorize.origin + authorize.pathname).toBe(`${ISSUER}/authorize`);
    expect(state).toMatch(/^popup\.[A-Za-z0-9_-]{43}$/);
    expect(pendingCount()).toBe(1);
    const page = await redirectPage(callback());
    expect(page.result).toEqual({ returnTo: '/', popup: true });
    expect(page.close).toHaveBeenCalledTimes(1);
    expect(page.client.getState().status).not.toBe('authenticated');
    await done;
    expect(fake.calls.token).toHaveLength(1);
    expect(fake.calls.token[0]?.body.get('code')).toBe('c1');
    expect(client.getState()).toMatchObject({ status: 'authenticated', user: { sub: 'user-1' }, error: null });
    expect(navigations).toEqual([]);
    expect(popup.close).toHaveBeenCalled();
    expect(pendingCount()).toBe(0);
  });

  it('passes params to the authorization request', async () => {
    fakeServer();
    const { popup } = fakePopup();
    const { client } = makeClient();
    void client.loginWithPopup({ params: { ui_locales: 'de' } }).catch(() => undefined);
    expect(new URL(await until(() => popup.location.href)).searchParams.get('ui_locales')).toBe('de');
  });

  it('ignores messages with another state, another origin or path, a doubled state or no URL; then takes the real one', async () => {
    const { fake, done, state, callback } = await started();
    post({ url: callback('wrong-state', 'popup.other') });
    post({ url: `https://evil.example${new URL(REDIRECT_URI).pathname}?code=foreign&state=${state}&iss=${iss}` });
    post({ url: `${REDIRECT_URI.replace('/callback', '/elsewhere')}?code=path&state=${state}` });
    post({ url: `${callback('doubled')}&state=${state}` });
    post({ url: 42 });
    post(null);
    post({ url: callback('good') });
    await done;
    expect(fake.calls.token.map((c) => c.body.get('code'))).toEqual(['good']);
  });

  it('a blocked popup rejects login_cancelled and leaves no pending login', async () => {
    const fake = fakeServer();
    vi.spyOn(window, 'open').mockReturnValue(null);
    const { client } = makeClient();
    const error = await client.loginWithPopup().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('login_cancelled');
    expect(pendingCount()).toBe(0);
    expect(fake.calls.discovery).toBe(0);
  });

  it('concurrent calls share one popup and bring it forward', async () => {
    const { client, popup, open, done } = await started();
    expect(popup.focus).not.toHaveBeenCalled();
    expect(client.loginWithPopup()).toBe(done);
    expect(open).toHaveBeenCalledTimes(1);
    expect(popup.focus).toHaveBeenCalledTimes(1);
    done.catch(() => undefined);
  });

  it('a popup closed before the response rejects login_cancelled after the grace period, leaving nothing behind', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const { fake, popup, done, callback } = await started();
    const outcome = done.catch((e: unknown) => e);
    // The poll and the cap are the flow's timers so far; the grace period's comes and goes.
    const timers = vi.getTimerCount();
    popup.closed = true;
    await vi.advanceTimersByTimeAsync(500 + 2999);
    expect(pendingCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = (await outcome) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('login_cancelled');
    expect(pendingCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(timers - 2);
    // A late hand-off finds no one listening and no pending login: nothing is exchanged.
    post({ url: callback() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.calls.token).toHaveLength(0);
  });

  it('a popup that cannot be sent to the authorization URL rejects, leaving no timer, channel or pending login', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    fakeServer();
    const { popup } = fakePopup();
    Object.defineProperty(popup, 'location', { value: Object.defineProperty({}, 'href', { set: () => { throw new DOMException('blocked', 'SecurityError'); } }) });
    const { client } = makeClient();
    const timers = vi.getTimerCount();
    await expect(client.loginWithPopup()).rejects.toThrow('blocked');
    expect(popup.close).toHaveBeenCalled();
    expect(pendingCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(0); // the client's own zero-delay steps
    expect(vi.getTimerCount()).toBe(timers);
  });

  it('a popup left open waits no longer than the pending login lives: then it is closed and the call rejects login_cancelled', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    const { fake, popup, done, callback } = await started();
    const outcome = done.catch((e: unknown) => e);
    const timers = vi.getTimerCount();
    await vi.advanceTimersByTimeAsync(PENDING_TTL_MS - 1);
    expect(popup.close).not.toHaveBeenCalled();
    expect(pendingCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = (await outcome) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('login_cancelled');
    expect(error.message).toMatch(/timed out.*sign in again/);
    expect(popup.close).toHaveBeenCalled();
    expect(pendingCount()).toBe(0);
    // The poll and the cap both ended.
    expect(vi.getTimerCount()).toBe(timers - 2);
    post({ url: callback() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.calls.token).toHaveLength(0);
  });

  it('a popup that reads as closed (COOP severed it) still hands off within the grace period', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const { fake, client, popup, done, callback } = await started();
    popup.closed = true;
    await vi.advanceTimersByTimeAsync(2000);
    await redirectPage(callback());
    await done;
    expect(fake.calls.token).toHaveLength(1);
    expect(client.getState().status).toBe('authenticated');
  });

  it('closes its BroadcastChannel when done', async () => {
    const closed = vi.spyOn(BroadcastChannel.prototype, 'close');
    const { done, callback } = await started();
    const before = closed.mock.calls.length;
    await redirectPage(callback());
    await done;
    // The redirect page's channel and the opener's.
    expect(closed.mock.calls.length - before).toBe(2);
  });

  it('a failed exchange rejects with its error and puts the state in error', async () => {
    const { done, callback, client } = await started();
    await redirectPage(`${REDIRECT_URI}?error=access_denied&state=${new URL(callback()).searchParams.get('state')}&iss=${iss}`);
    const error = (await done.catch((e: unknown) => e)) as AuthError;
    expect(error.code).toBe('authorization_error');
    expect(error.error).toBe('access_denied');
    expect(client.getState().status).toBe('error');
    expect(pendingCount()).toBe(0);
  });

  it('a failed exchange while signed in rejects with its error and keeps the session, showing the error', async () => {
    const fake = fakeServer();
    const first = makeClient();
    await signIn(first.client, first.navigations, fake);
    // The opener: a page loaded with that session.
    const { client, done, callback } = await started(fake);
    const before = client.getState();
    expect(before.status).toBe('authenticated');
    server.use(http.post(TOKEN_ENDPOINT, () => json({ error: 'invalid_grant', error_description: 'code expired' }, 400)));
    await redirectPage(callback());
    const error = (await done.catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('token_error');
    expect(error.error).toBe('invalid_grant');
    expect(client.getState()).toEqual({ status: 'authenticated', user: before.user, tokens: before.tokens, error });
    await expect(client.getAccessToken()).resolves.toBe(before.tokens?.accessToken);
    expect(pendingCount()).toBe(0);
  });

  it('a discovery failure closes the popup, rejects, and leaves no pending login', async () => {
    server.use(http.get('https://down.example/.well-known/openid-configuration', () => new HttpResponse(null, { status: 503 })));
    const { popup } = fakePopup();
    const { client } = makeClient({ issuer: 'https://down.example' });
    const error = (await client.loginWithPopup().catch((e: unknown) => e)) as AuthError;
    expect(error.code).toBe('network_error');
    expect(popup.close).toHaveBeenCalled();
    expect(pendingCount()).toBe(0);
  });
});

describe('login() without the popup', () => {
  it('is unchanged: no popup mark in the state, no restore mark in the pending login', async () => {
    fakeServer();
    const { client, navigations } = makeClient();
    await client.login();
    const state = new URL(navigations[0] as string).searchParams.get('state') as string;
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const pending = JSON.parse(sessionStorage.getItem(`pkce-auth:${CLIENT_ID}:pending`) ?? '{}') as Record<string, object>;
    expect(pending[state]).not.toHaveProperty('silent');
  });
});
