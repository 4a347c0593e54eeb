import { AuthProvider, useAuth, withAuthenticationRequired } from 'react-oidc-context';
import { createRoot } from 'react-dom/client';

const oidcConfig = {
  authority: 'https://auth.example.com',
  client_id: 'notes-spa',
  redirect_uri: `${location.origin}/callback`,
  scope: 'openid profile offline_access notes:read',
  onSigninCallback: () => window.history.replaceState({}, document.title, '/'),
};

function Notes() {
  const auth = useAuth();
  const load = async () =>
    console.log(await (await fetch('https://api.example.com/notes', { headers: { Authorization: `Bearer ${auth.user?.access_token}` } })).json());
  return (
    <div>
      <p>{String(auth.user?.profile.name)}</p>
      <button onClick={load}>Load notes</button>
      <button onClick={() => auth.signoutRedirect()}>Sign out</button>
    </div>
  );
}
const Protected = withAuthenticationRequired(Notes, { OnRedirecting: () => <p>…</p> });

function App() {
  const auth = useAuth();
  if (auth.isLoading) return <p>Signing in…</p>;
  if (location.pathname === '/notes') return <Protected />;
  return auth.isAuthenticated ? <Notes /> : <button onClick={() => auth.signinRedirect()}>Sign in</button>;
}

createRoot(document.getElementById('root')).render(<AuthProvider {...oidcConfig}><App /></AuthProvider>);
