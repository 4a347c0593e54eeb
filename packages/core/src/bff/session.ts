import { AuthError } from '../errors.js';
import { isObject, isString, sameJson } from '../objects.js';
import { createStore, type Store } from '../store.js';
import type { AuthState, AuthUser } from '../types.js';
import type { BffConfig } from './options.js';

/**
 * Sends `method` to the BFF route `name`: resolves to the parsed JSON body of a 200 (undefined
 * when it is not JSON) or null for a 401 (no session); rejects `network_error` when the BFF cannot
 * be reached or answers a 5xx, `invalid_config` for any other status.
 */
export async function ask(config: BffConfig, name: string, method = 'GET'): Promise<unknown> {
  const url = config.route(name);
  const what = `${method} ${url}`;
  let response: Response;
  try {
    response = await config.send(new Request(url, { method }));
  } catch (cause) {
    throw new AuthError('network_error', `${what} failed (${cause instanceof Error ? cause.message : String(cause)}); try again`, { cause });
  }
  const { status } = response;
  if (status === 401) return null;
  if (status === 200) return response.json().catch(() => undefined);
  throw status >= 500
    ? new AuthError('network_error', `${what} answered ${status}; try again later`, { status })
    : new AuthError('invalid_config', `${what} answered ${status}: is @pkce-auth/bff mounted at /bff?`, { status });
}

/** `user` of `GET /bff/user`'s `{ user: { sub, … }, expiresAt }`, else `invalid_config`. */
function userOf(body: unknown): AuthUser {
  if (isObject(body) && isObject(body.user) && isString(body.user.sub) && typeof body.expiresAt === 'number') return body.user as AuthUser;
  // Usually an app server answering its index.html for every path: the BFF is not mounted.
  throw new AuthError('invalid_config', 'GET /bff/user must answer { user: { sub }, expiresAt }: is @pkce-auth/bff mounted at /bff?');
}

/** The observable state of a BFF session, which lives at the server: the browser only reads it. */
export interface BffSession {
  getState: Store<AuthState>['getState'];
  subscribe: Store<AuthState>['subscribe'];
  /**
   * Reads `GET /bff/user` into the state (one request at a time); rejects `network_error` or
   * `invalid_config`, which the state shows too.
   */
  read(): Promise<void>;
  /** `unauthenticated` now; a read that started before does not undo it. */
  signedOut(): void;
  /** Keeps the status, shows `error` (e.g. a logout the server did not hear). */
  setError(error: AuthError): void;
  /** Whether {@link destroy} has not been called. */
  live(): boolean;
  /** Stops: no answer changes the state any more, no listener is called. */
  destroy(): void;
}

export function createBffSession(config: BffConfig): BffSession {
  const store = createStore<AuthState>({ status: 'loading', user: null, tokens: null, error: null });
  let live = true;
  // The read whose answer counts; whatever ends the session forgets it, so its answer cannot undo that.
  let inFlight: Promise<void> | undefined;

  const show = (user: AuthUser | null): void => {
    const prev = store.getState().user;
    // The browser holds no token: `tokens` stays null, signed in or not.
    store.setState({ status: user ? 'authenticated' : 'unauthenticated', user: user && sameJson(prev, user) ? prev : user, tokens: null, error: null });
  };

  const failed = (error: AuthError): void => {
    // Before any answer there is no session to keep showing; after one, a failed re-read keeps it.
    if (/loading|error/.test(store.getState().status)) store.setState({ status: 'error', user: null, tokens: null, error });
    else store.setState({ error });
  };

  /** Whether `done` is still the read that counts; either way the next read may start. */
  const settles = (done: Promise<void>): boolean => {
    const counts = inFlight === done;
    if (counts) inFlight = undefined;
    return counts && live;
  };

  function read(): Promise<void> {
    if (inFlight) return inFlight;
    const done: Promise<void> = ask(config, 'user')
      .then((body) => (body === null ? null : userOf(body)))
      .then(
      (user) => {
        if (settles(done)) show(user);
      },
      (error: AuthError) => {
        if (settles(done)) failed(error);
        throw error;
      },
    );
    return (inFlight = done);
  }

  return {
    getState: store.getState,
    subscribe: store.subscribe,
    read,
    signedOut() {
      inFlight = undefined;
      show(null);
    },
    setError: (error) => store.setState({ error }),
    live: () => live,
    destroy() {
      live = false;
      store.clear();
    },
  };
}
