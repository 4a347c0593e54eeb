import { AuthProvider } from '@pkce-auth/react';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, RouterProvider } from 'react-router-dom';
import { App } from './App';
import { auth } from './auth';
import { config } from './config';
import { restoreAtStartup } from './restore';
import { createDataRouter } from './routes/dataRouter';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html must contain <div id="root">');

/** The routes as `VITE_AUTH_ROUTER` chooses: components as guards (default), or a data router's loaders. */
function Routing({ startupProblem }: { startupProblem: unknown }) {
  if (config.router === 'data') return <DataRouting startupProblem={startupProblem} />;
  return (
    // No transitions: "Sign out" navigates to / and clears the session in one render, so
    // <RequireAuth> on /notes never sees `unauthenticated` and starts a new login.
    <BrowserRouter useTransitions={false}>
      <App startupProblem={startupProblem} />
    </BrowserRouter>
  );
}

/** One data router for the life of the page. */
function DataRouting({ startupProblem }: { startupProblem: unknown }) {
  const [router] = useState(() => createDataRouter(startupProblem));
  return <RouterProvider router={router} />;
}

// First a session restore when there is no session here (it may leave the page), then the app.
// StrictMode runs effects twice in development; the callback still exchanges its code once.
void restoreAtStartup().then((startupProblem) => {
  createRoot(root).render(
    <StrictMode>
      <AuthProvider client={auth}>
        <Routing startupProblem={startupProblem} />
      </AuthProvider>
    </StrictMode>,
  );
});
