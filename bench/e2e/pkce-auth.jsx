// Callback bench app: pkce-auth with its Callback route; renders #signed-in once authenticated.
import { AuthProvider, Callback, createAuthClient, useAuth } from '@pkce-auth/react';
import { useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';

const auth = createAuthClient({
  clientId: 'notes-spa',
  redirectUri: `${location.origin}/callback`,
  issuer: window.BENCH_ISSUER,
  scope: 'openid profile offline_access notes:read',
});

const subscribe = (fn) => {
  window.addEventListener('popstate', fn);
  return () => window.removeEventListener('popstate', fn);
};
const usePath = () => useSyncExternalStore(subscribe, () => location.pathname);

function App() {
  const path = usePath();
  const { status, user, error, login } = useAuth();
  if (path === '/callback') {
    return <Callback fallback={<p id="loading">Signing in…</p>} errorFallback={(e) => <p id="auth-error">{`${e.code}: ${e.message}`}</p>} />;
  }
  if (status === 'authenticated') return <div id="signed-in">{String(user?.name ?? user?.sub)}</div>;
  if (status === 'loading') return <p id="loading">Loading…</p>;
  if (status === 'error') return <p id="auth-error">{`${error?.code}: ${error?.message}`}</p>;
  return <button id="login" onClick={() => login()}>Sign in</button>;
}

createRoot(document.getElementById('root')).render(<AuthProvider client={auth}><App /></AuthProvider>);
