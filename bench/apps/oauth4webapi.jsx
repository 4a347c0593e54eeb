// The same app hand-written on oauth4webapi: discovery, PKCE, callback, token, refresh-less.
import * as oauth from 'oauth4webapi';
import { createContext, useContext, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

const issuer = new URL('https://auth.example.com');
const client = { client_id: 'notes-spa' };
const redirectUri = `${location.origin}/callback`;
const Ctx = createContext(null);

async function login() {
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer));
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem('pending', JSON.stringify({ verifier, state, nonce }));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client.client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile offline_access notes:read',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce,
  }).toString();
  location.assign(url);
}

async function callback() {
  const { verifier, state, nonce } = JSON.parse(sessionStorage.getItem('pending'));
  sessionStorage.removeItem('pending');
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer));
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier);
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
  return { token: result.access_token, user: oauth.getValidatedIdTokenClaims(result) };
}

function Provider({ children }) {
  const [session, setSession] = useState(null);
  useEffect(() => {
    if (location.pathname === '/callback') callback().then((s) => { setSession(s); history.replaceState(null, '', '/'); });
  }, []);
  return <Ctx.Provider value={{ session, login, logout: () => setSession(null) }}>{children}</Ctx.Provider>;
}

function App() {
  const { session, login, logout } = useContext(Ctx);
  const load = async () => console.log(await (await fetch('https://api.example.com/notes', { headers: { Authorization: `Bearer ${session.token}` } })).json());
  return session ? (
    <div><p>{String(session.user?.name)}</p><button onClick={load}>Load notes</button><button onClick={logout}>Sign out</button></div>
  ) : <button onClick={login}>Sign in</button>;
}

createRoot(document.getElementById('root')).render(<Provider><App /></Provider>);
