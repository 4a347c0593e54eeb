/**
 * Guards for React Router 7's data routers (`createBrowserRouter`): loaders that run before a
 * route renders. A separate entry, so the main entry never imports `react-router`.
 *
 * ```ts
 * createBrowserRouter([
 *   { path: '/callback', loader: callbackLoader(auth), errorElement: <SignInFailed /> },
 *   { path: '/notes', loader: requireAuth(auth, () => fetchNotes()), element: <Notes /> },
 * ]);
 * ```
 *
 * @packageDocumentation
 */
import { replace, type LoaderFunction, type LoaderFunctionArgs } from 'react-router';
import type { AuthClient, AuthState } from '@pkce-auth/core';

/** Resolves with the first state that is not `loading` (a callback completing on this page). */
function settledState(auth: AuthClient, signal: AbortSignal): Promise<AuthState> {
  const now = auth.getState();
  if (now.status !== 'loading') return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const stop = (): void => {
      unsubscribe();
      signal.removeEventListener('abort', abort);
    };
    const abort = (): void => {
      stop();
      reject(signal.reason);
    };
    const unsubscribe = auth.subscribe(() => {
      const state = auth.getState();
      if (state.status === 'loading') return;
      stop();
      resolve(state);
    });
    signal.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Settles only when the router gives up on this navigation (`request.signal` aborts): the page is
 * leaving for the authorization server, so the route must neither render nor show an error.
 */
function leavingPage(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** The requested route's path + search (+ hash), as `returnTo`. */
function requestedPath(request: Request): string {
  const url = new URL(request.url);
  return url.pathname + url.search + url.hash;
}

/**
 * A route loader that lets the route render only for a signed-in person.
 *
 * - `authenticated`: returns `loader`'s result (for `useLoaderData()`), or `null` without one.
 * - `unauthenticated`: starts one login returning to the requested path + search (concurrent
 *   guards share it: `login()` is single-flight) and returns a promise that does not settle while
 *   the page navigates away, so React Router keeps the navigation pending and never renders the
 *   route; a login that cannot start (e.g. `discovery_failed`) is thrown to the `errorElement`.
 * - `loading` (a callback completing on this page): waits for it to end, then decides.
 * - `error` (a failed callback): throws the `AuthError` to the route's `errorElement` instead of
 *   starting a login, so a broken sign-in never loops.
 *
 * @param auth the app's `AuthClient`.
 * @param loader the route's own loader, run only when signed in.
 * @see https://reactrouter.com/start/data/route-object#loader
 */
export function requireAuth<T = null>(
  auth: AuthClient,
  loader?: (args: LoaderFunctionArgs) => T | Promise<T>,
): (args: LoaderFunctionArgs) => Promise<T | null> {
  return async (args) => {
    const state = await settledState(auth, args.request.signal);
    if (state.status === 'authenticated') return loader ? loader(args) : null;
    if (state.status === 'error' && state.error) throw state.error;
    await auth.login({ returnTo: requestedPath(args.request) });
    return leavingPage(args.request.signal);
  };
}

/** What {@link callbackLoader} returns on the login popup's page: render "you can close this window". */
export interface PopupCallbackData {
  popup: true;
}

/**
 * The loader of the redirect URI's route: completes the login (one code exchange per callback URL,
 * shared by StrictMode, revalidations and repeated calls), then redirects to its `returnTo`,
 * replacing the callback URL in the history so Back does not return to it. In the login popup
 * it returns `{ popup: true }` instead (the page hands the response to its opener and closes).
 * A failure is thrown as the `AuthError`, for the route's `errorElement` (`useRouteError()`).
 *
 * @param auth the app's `AuthClient`.
 * @see https://reactrouter.com/api/utils/replace
 */
export function callbackLoader(auth: AuthClient): (args: LoaderFunctionArgs) => Promise<Response | PopupCallbackData> {
  const load = async ({ request }: LoaderFunctionArgs): Promise<Response | PopupCallbackData> => {
    const result = await auth.handleCallback(request.url);
    if (result.popup) return { popup: true };
    return replace(result.returnTo);
  };
  return load satisfies LoaderFunction;
}
