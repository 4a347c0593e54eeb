// The realistic minimal app: provider, hook, login/logout, callback route, guard, token for an API.
import { AuthProvider, Callback, RequireAuth, createAuthClient, useAuth } from '@pkce-auth/react';
import { createRoot } from 'react-dom/client';

/** Renders the app with a client made of these options plus `extra` (e.g. `{ dpop: true }`). */
export function renderRealisticApp(extra = {}) {
  const auth = createAuthClient({
    clientId: 'notes-spa',
    redirectUri: `${location.origin}/callback`,
    issuer: 'https://auth.example.com',
    scope: 'openid profile offline_access notes:read',
    apis: [{ url: 'https://api.example.com' }],
    ...extra,
  });

  function Notes() {
    const user = useAuth((s) => s.user);
    const { logout } = useAuth();
    const load = async () => console.log(await (await auth.fetch('https://api.example.com/notes')).json());
    return (
      <div>
        <p>{String(user?.name)}</p>
        <button onClick={load}>Load notes</button>
        <button onClick={() => logout()}>Sign out</button>
      </div>
    );
  }

  function App() {
    const { isAuthenticated, login } = useAuth();
    if (location.pathname === '/callback') return <Callback fallback={<p>Signing in…</p>} />;
    if (location.pathname === '/notes') return <RequireAuth fallback={<p>…</p>}><Notes /></RequireAuth>;
    return isAuthenticated ? <Notes /> : <button onClick={() => login()}>Sign in</button>;
  }

  createRoot(document.getElementById('root')).render(<AuthProvider client={auth}><App /></AuthProvider>);
}
