import { AuthContext, AuthProvider } from 'react-oauth2-code-pkce';
import { useContext } from 'react';
import { createRoot } from 'react-dom/client';

const authConfig = {
  clientId: 'notes-spa',
  authorizationEndpoint: 'https://auth.example.com/authorize',
  tokenEndpoint: 'https://auth.example.com/token',
  logoutEndpoint: 'https://auth.example.com/logout',
  redirectUri: `${location.origin}/callback`,
  scope: 'openid profile offline_access notes:read',
};

function Notes() {
  const { token, idTokenData, logOut } = useContext(AuthContext);
  const load = async () => console.log(await (await fetch('https://api.example.com/notes', { headers: { Authorization: `Bearer ${token}` } })).json());
  return (
    <div>
      <p>{String(idTokenData?.name)}</p>
      <button onClick={load}>Load notes</button>
      <button onClick={() => logOut()}>Sign out</button>
    </div>
  );
}

function App() {
  const { token, logIn, loginInProgress } = useContext(AuthContext);
  if (loginInProgress) return <p>Signing in…</p>;
  return token ? <Notes /> : <button onClick={() => logIn()}>Sign in</button>;
}

createRoot(document.getElementById('root')).render(<AuthProvider authConfig={authConfig}><App /></AuthProvider>);
