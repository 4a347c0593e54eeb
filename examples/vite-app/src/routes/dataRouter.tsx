import { callbackLoader, requireAuth } from '@pkce-auth/react/router';
import { isAuthError } from '@pkce-auth/react';
import type { ReactNode } from 'react';
import { createBrowserRouter, Outlet, useLoaderData, useRouteError, type RouteObject } from 'react-router-dom';
import { auth } from '../auth';
import { Layout } from '../components/Layout';
import { SignInProblem } from '../components/SignInProblem';
import { config } from '../config';
import { Home } from '../pages/Home';
import { NotFound } from '../pages/NotFound';
import { NotesPage } from '../pages/NotesPage';
import { ProfilePage } from '../pages/ProfilePage';

/** What a guarded route shows while its loader decides (the first load of the page). */
function Redirecting() {
  return (
    <p className="card muted" data-testid="auth-redirecting" role="status">
      Redirecting to sign in…
    </p>
  );
}

/** The callback route's page: rendered only in the sign-in popup (elsewhere its loader redirects). */
function CallbackDone() {
  const data = useLoaderData() as { popup?: true } | null;
  return (
    <p className="card muted" data-testid="callback-popup-done" role="status">
      {data?.popup ? 'Signed in — you can close this window.' : 'Signing you in…'}
    </p>
  );
}

/** A loader's AuthError (a failed callback, a login that could not start), as the component routes show it. */
function RouteProblem({ title }: { title: string }) {
  const error = useRouteError();
  if (isAuthError(error)) return <SignInProblem title={title} error={error} />;
  throw error;
}

const guarded = (element: ReactNode): RouteObject => ({
  loader: requireAuth(auth),
  element,
  HydrateFallback: Redirecting,
  errorElement: <RouteProblem title="You need to sign in to see this page" />,
});

/**
 * The same routes with React Router's data router (`VITE_AUTH_ROUTER=data`): `requireAuth` runs
 * before a protected route renders (it never renders signed out), and `callbackLoader` completes
 * the login on the redirect URI, then redirects to where the login started.
 */
export function createDataRouter(startupProblem: unknown) {
  return createBrowserRouter([
    {
      element: (
        <Layout startupProblem={startupProblem}>
          <Outlet />
        </Layout>
      ),
      HydrateFallback: Redirecting,
      children: [
        { path: '/', element: <Home /> },
        ...(config.authMode === 'browser'
          ? [
              {
                path: '/callback',
                loader: callbackLoader(auth),
                element: <CallbackDone />,
                HydrateFallback: () => (
                  <p className="card muted" data-testid="callback-pending" role="status">
                    Signing you in…
                  </p>
                ),
                errorElement: <RouteProblem title="Sign-in did not complete" />,
              },
            ]
          : []),
        { path: '/notes', ...guarded(<NotesPage />) },
        { path: '/profile', ...guarded(<ProfilePage />) },
        { path: '*', element: <NotFound /> },
      ],
    },
  ]);
}
