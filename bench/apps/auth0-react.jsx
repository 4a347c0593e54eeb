import { Auth0Provider, useAuth0, withAuthenticationRequired } from '@auth0/auth0-react';
import { createRoot } from 'react-dom/client';

function Notes() {
  const { user, logout, getAccessTokenSilently } = useAuth0();
  const load = async () =>
    console.log(await (await fetch('https://api.example.com/notes', { headers: { Authorization: `Bearer ${await getAccessTokenSilently()}` } })).json());
  return (
    <div>
      <p>{String(user?.name)}</p>
      <button onClick={load}>Load notes</button>
      <button onClick={() => logout({ logoutParams: { returnTo: location.origin } })}>Sign out</button>
    </div>
  );
}
const Protected = withAuthenticationRequired(Notes, { onRedirecting: () => <p>…</p> });

function App() {
  const { isLoading, isAuthenticated, loginWithRedirect } = useAuth0();
  if (isLoading) return <p>Signing in…</p>;
  if (location.pathname === '/notes') return <Protected />;
  return isAuthenticated ? <Notes /> : <button onClick={() => loginWithRedirect()}>Sign in</button>;
}

createRoot(document.getElementById('root')).render(
  <Auth0Provider domain="auth.example.com" clientId="notes-spa" useRefreshTokens authorizationParams={{ redirect_uri: `${location.origin}/callback`, scope: 'openid profile offline_access notes:read' }}>
    <App />
  </Auth0Provider>,
);
