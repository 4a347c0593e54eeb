import type { ReactNode } from 'react';
import { config } from '../config';
import { ProblemsProvider } from '../problems';
import { AuthErrorBanner } from './AuthErrorBanner';
import { Header } from './Header';

/** The page around every route: header, the error banner, the route's content, the footer. */
export function Layout({ children, startupProblem }: { children: ReactNode; startupProblem?: unknown }) {
  return (
    <ProblemsProvider initial={startupProblem}>
      <Header />
      <main className="page">
        <AuthErrorBanner />
        {children}
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
