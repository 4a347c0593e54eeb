import { Callback, RequireAuth } from '@pkce-auth/react';
import type { ReactNode } from 'react';
import { Route, Routes } from 'react-router-dom';
import { AuthErrorBanner } from './components/AuthErrorBanner';
import { Header } from './components/Header';
import { SignInProblem } from './components/SignInProblem';
import { config } from './config';
import { Home } from './pages/Home';
import { NotFound } from './pages/NotFound';
import { NotesPage } from './pages/NotesPage';
import { ProfilePage } from './pages/ProfilePage';
import { ProblemsProvider } from './problems';

export function App() {
  return (
    <ProblemsProvider>
      <Header />
      <main className="page">
        <AuthErrorBanner />
        <Routes>
          <Route path="/" element={<Home />} />
          {/* The default onSuccess replaces the URL with returnTo and lets the router follow. In BFF
              mode there is no such route: the BFF completes the login at /bff/callback itself. */}
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
                  errorFallback={(error) => <SignInProblem title="Sign-in did not complete" error={error} returnTo="/" />}
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
      </main>
      <footer className="footer">
        {config.authMode === 'bff' ? (
          <>
            BFF mode: Authorization Code + PKCE at <code>@pkce-auth/bff</code> on this app's server, which keeps the client
            secret and the tokens. This page has neither, nor your password.
          </>
        ) : (
          <>
            Authorization Code + PKCE with <code>@pkce-auth/react</code>. No client secret, no password in this app.
          </>
        )}
      </footer>
    </ProblemsProvider>
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
