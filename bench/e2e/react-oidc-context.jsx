// Callback bench app: react-oidc-context (oidc-client-ts) with its documented onSigninCallback;
// renders #signed-in once authenticated.
import { AuthProvider, useAuth } from 'react-oidc-context';
import { createRoot } from 'react-dom/client';

const oidcConfig = {
  authority: window.BENCH_ISSUER,
  client_id: 'notes-spa',
  redirect_uri: `${location.origin}/callback`,
  scope: 'openid profile offline_access notes:read',
  onSigninCallback: () => window.history.replaceState({}, document.title, '/'),
};

function App() {
  const auth = useAuth();
  if (auth.isLoading) return <p id="loading">Loading…</p>;
  if (auth.error) return <p id="auth-error">{String(auth.error.message)}</p>;
  if (auth.isAuthenticated) return <div id="signed-in">{String(auth.user?.profile.name ?? auth.user?.profile.sub)}</div>;
  return <button id="login" onClick={() => auth.signinRedirect()}>Sign in</button>;
}

createRoot(document.getElementById('root')).render(<AuthProvider {...oidcConfig}><App /></AuthProvider>);
