import { Callback, RequireAuth } from '@pkce-auth/react';
import type { ReactNode } from 'react';
import { Route, Routes } from 'react-router-dom';
import { Layout } from './components/Layout';
import { SignInProblem } from './components/SignInProblem';
import { config } from './config';
import { Home } from './pages/Home';
import { NotFound } from './pages/NotFound';
import { NotesPage } from './pages/NotesPage';
import { ProfilePage } from './pages/ProfilePage';

/** The routes with components as guards (`VITE_AUTH_ROUTER=components`, the default); see routes/dataRouter.tsx for loaders. */
export function App({ startupProblem }: { startupProblem?: unknown }) {
  return (
    <Layout startupProblem={startupProblem}>
      <Routes>
        <Route path="/" element={<Home />} />
        {/* The default onSuccess replaces the URL with returnTo and lets the router follow; in the
            sign-in popup it says "you can close this window". In BFF mode there is no such route:
            the BFF completes the login at /bff/callback itself. */}
        {config.authMode === 'browser' && (
          <Route
            path="/callback"
            element={
              <Callback
                fallback={
                  <p className="card muted" data-testid="callback-pending" role="status">
                    Signing you in…
                  </p>
                }
                errorFallback={(error) => <SignInProblem title="Sign-in did not complete" error={error} />}
              />
            }
          />
        )}
        <Route
          path="/notes"
          element={
            <Guarded>
              <NotesPage />
            </Guarded>
          }
        />
        <Route
          path="/profile"
          element={
            <Guarded>
              <ProfilePage />
            </Guarded>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Layout>
  );
}

/** Pages that need a session: sends the person to sign in and brings them back here afterwards. */
function Guarded({ children }: { children: ReactNode }) {
  return (
    <RequireAuth
      fallback={
        <p className="card muted" data-testid="auth-redirecting" role="status">
          Redirecting to sign in…
        </p>
      }
      errorFallback={(error) => <SignInProblem title="You need to sign in to see this page" error={error} />}
    >
      {children}
    </RequireAuth>
  );
}
