// The realistic app (realistic-app.jsx, mirrored: it keeps its client inside) calling
// auth.restoreSession() at start-up: what the restore costs an app that uses it.
import { AuthProvider, Callback, RequireAuth, createAuthClient, useAuth } from '@pkce-auth/react';
import { createRoot } from 'react-dom/client';

const auth = createAuthClient({
  clientId: 'notes-spa',
  redirectUri: `${location.origin}/callback`,
  issuer: 'https://auth.example.com',
  scope: 'openid profile offline_access notes:read',
  apis: [{ url: 'https://api.example.com' }],
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

// Pick up a single sign-on session at start-up (one prompt=none round trip per tab session).
if (location.pathname !== '/callback') void auth.restoreSession();

createRoot(document.getElementById('root')).render(<AuthProvider client={auth}><App /></AuthProvider>);
