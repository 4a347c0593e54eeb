// BFF mode: AuthProvider, useAuth, RequireAuth (and an app that still mounts <Callback>) with the
// real createBffClient, unchanged, the BFF mocked at the fetch boundary (MSW, unhandled = error).
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBffClient, Callback, RequireAuth, useAuth, type AuthClient } from '../index.js';
import { renderStrict } from './helpers.js';

const APP = window.location.origin;
const END_SESSION = 'https://auth.example.com/session/end?id_token_hint=x';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

type Answer = () => Response | Promise<Response>;

/** The BFF's routes the browser calls, answering what the test says; records each request. */
function fakeBff(answers: { user?: Answer; logout?: Answer; api?: Answer } = {}) {
  const calls: string[] = [];
  const on = (answer: Answer | undefined, fallback: Answer) => ({ request }: { request: Request }) => {
    calls.push(`${request.method} ${new URL(request.url).pathname} csrf=${request.headers.get('x-csrf')}`);
    return (answer ?? fallback)();
  };
  server.use(
    http.get(`${APP}/bff/user`, on(answers.user, () => HttpResponse.json({ user: { sub: 'user-1', name: 'Ada Lovelace' }, expiresAt: Date.now() + 3_600_000 }))),
    http.post(`${APP}/bff/logout`, on(answers.logout, () => HttpResponse.json({ redirectTo: END_SESSION }))),
    http.get(`${APP}/api/notes`, on(answers.api, () => HttpResponse.json([{ id: 1, text: 'hello' }]))),
  );
  return calls;
}

const SIGNED_OUT: Answer = () => new HttpResponse(null, { status: 401 });

const clients: AuthClient[] = [];
/** A BFF client as an app makes it at module scope; navigations are captured instead of followed. */
function makeClient() {
  const navigations: string[] = [];
  const client = createBffClient({ navigate: (url) => void navigations.push(url) });
  clients.push(client);
  return { client, navigations };
}

function deferred() {
  let release!: (response: Response) => void;
  const answer = new Promise<Response>((resolve) => (release = resolve));
  return { answer: () => answer, release };
}

const flush = () =>
  act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

function Status() {
  const { status, user, tokens } = useAuth();
  return <p>status {status} {String(user?.name)} tokens {String(tokens)}</p>;
}

function Notes() {
  const { logout, fetch } = useAuth();
  return (
    <div>
      <button onClick={async () => void answered.push((await fetch('/api/notes')).status)}>Load notes</button>
      <button onClick={() => void logout()}>Sign out</button>
    </div>
  );
}
/** The statuses the API calls of <Notes> got. */
const answered: number[] = [];

beforeEach(() => {
  answered.length = 0;
  window.history.replaceState(null, '', '/notes/7?tab=all#top');
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  server.resetHandlers();
  vi.restoreAllMocks();
});

describe('BFF mode: the React package unchanged', () => {
  it('re-exports createBffClient; useAuth shows loading, then the /bff/user person without tokens, from one request under StrictMode', async () => {
    const calls = fakeBff();
    const { client } = makeClient();
    renderStrict(<Status />, { client });
    expect(screen.getByText(/^status/).textContent).toBe('status loading undefined tokens null');
    await waitFor(() => expect(screen.getByText(/^status/).textContent).toBe('status authenticated Ada Lovelace tokens null'));
    await flush();
    expect(calls).toEqual(['GET /bff/user csrf=1']);
  });

  it('RequireAuth renders its children for a signed-in person and starts no login', async () => {
    fakeBff();
    const { client, navigations } = makeClient();
    renderStrict(<RequireAuth fallback={<p>checking</p>}><p>secret</p></RequireAuth>, { client });
    expect(screen.getByText('checking')).toBeTruthy();
    await screen.findByText('secret');
    await flush();
    expect(navigations).toEqual([]);
  });

  it('without a session, sibling guards under StrictMode start exactly one login, to /bff/login returning here', async () => {
    fakeBff({ user: SIGNED_OUT });
    const { client, navigations } = makeClient();
    renderStrict(
      <>
        <RequireAuth fallback={<p>redirecting a</p>}><p>a</p></RequireAuth>
        <RequireAuth fallback={<p>redirecting b</p>}><p>b</p></RequireAuth>
      </>,
      { client },
    );
    await waitFor(() => expect(navigations).toHaveLength(1));
    await flush();
    expect(navigations).toEqual([`${APP}/bff/login?returnTo=${encodeURIComponent('/notes/7?tab=all#top')}`]);
    expect(screen.getByText('redirecting a')).toBeTruthy();
    expect(screen.queryByText('a')).toBeNull();
  });

  it('the BFF unreachable shows the guard’s error fallback (network_error) and starts no login', async () => {
    fakeBff({ user: () => HttpResponse.error() });
    const { client, navigations } = makeClient();
    renderStrict(<RequireAuth errorFallback={(e) => <p>error {e.code}</p>}><p>secret</p></RequireAuth>, { client });
    await screen.findByText('error network_error');
    await flush();
    expect(navigations).toEqual([]);
  });

  it('a logout on its way wins over the login the guard starts when the session ends', async () => {
    const logoutAnswer = deferred();
    const calls = fakeBff({ logout: logoutAnswer.answer });
    const { client, navigations } = makeClient();
    const login = vi.spyOn(client, 'login');
    renderStrict(<RequireAuth fallback={<p>signing out</p>}><Notes /></RequireAuth>, { client });
    const signOut = await screen.findByRole('button', { name: 'Sign out' });
    await act(async () => fireEvent.click(signOut));
    // Unauthenticated at once: the guard reacts with a login while the POST is on its way.
    await screen.findByText('signing out');
    await waitFor(() => expect(login).toHaveBeenCalledTimes(1));
    await flush();
    expect(navigations).toEqual([]);
    await act(async () => logoutAnswer.release(HttpResponse.json({ redirectTo: END_SESSION })));
    await flush();
    expect(navigations).toEqual([END_SESSION]);
    expect(calls).toEqual(['GET /bff/user csrf=1', 'POST /bff/logout csrf=1']);
  });

  it('a 401 from a proxied API call ends the session here, and the guard starts one login', async () => {
    const calls = fakeBff({ api: SIGNED_OUT });
    const { client, navigations } = makeClient();
    renderStrict(<RequireAuth fallback={<p>redirecting</p>}><Notes /></RequireAuth>, { client });
    const load = await screen.findByRole('button', { name: 'Load notes' });
    await act(async () => fireEvent.click(load));
    await screen.findByText('redirecting');
    await waitFor(() => expect(navigations).toHaveLength(1));
    await flush();
    expect(answered).toEqual([401]);
    expect(calls).toEqual(['GET /bff/user csrf=1', 'GET /api/notes csrf=1']);
    expect(navigations).toEqual([`${APP}/bff/login?returnTo=${encodeURIComponent('/notes/7?tab=all#top')}`]);
  });

  it('an app that still mounts <Callback> shows a clear invalid_config error instead of crashing; "Try again" goes to /bff/login', async () => {
    window.history.replaceState(null, '', '/callback?code=c1&state=s1');
    const calls = fakeBff();
    const { client, navigations } = makeClient();
    renderStrict(<Callback fallback={<p>Signing in…</p>} />, { client });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('invalid_config');
    expect(alert.textContent).toContain('the tokens stay on the BFF');
    expect(alert.textContent).toContain('mount no <Callback>');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Try again' })));
    await flush();
    expect(navigations).toEqual([`${APP}/bff/login?returnTo=%2F`]);
    expect(calls).toEqual(['GET /bff/user csrf=1']);
  });
});
