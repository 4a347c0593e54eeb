// The realistic minimal app (realistic-app.jsx) in BFF mode: the same provider, hook, login/logout,
// guard and API call, on createBffClient. No callback route: the BFF completes the login at
// /bff/callback itself. The notes API is called through the BFF's proxy (/api/notes), which
// attaches the token at the server. realistic-app.jsx builds its client with createAuthClient,
// so this app mirrors it instead of rendering it.
import { AuthProvider, RequireAuth, createBffClient, useAuth } from '@pkce-auth/react';
import { createRoot } from 'react-dom/client';

const auth = createBffClient();

function Notes() {
  const user = useAuth((s) => s.user);
  const { logout } = useAuth();
  const load = async () => console.log(await (await auth.fetch('/api/notes')).json());
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
  if (location.pathname === '/notes') return <RequireAuth fallback={<p>…</p>}><Notes /></RequireAuth>;
  return isAuthenticated ? <Notes /> : <button onClick={() => login()}>Sign in</button>;
}

createRoot(document.getElementById('root')).render(<AuthProvider client={auth}><App /></AuthProvider>);
