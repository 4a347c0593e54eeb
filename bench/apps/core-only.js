// @pkce-auth/core on its own: a client and every browser-side method, no React.
import { createAuthClient } from '@pkce-auth/core';

const auth = createAuthClient({ clientId: 'notes-spa', redirectUri: `${location.origin}/callback`, issuer: 'https://auth.example.com' });
auth.subscribe(() => console.log(auth.getState()));
if (location.pathname === '/callback') auth.handleCallback().then(({ returnTo }) => history.replaceState(null, '', returnTo));
document.querySelector('#login')?.addEventListener('click', () => auth.login());
document.querySelector('#logout')?.addEventListener('click', () => auth.logout());
document.querySelector('#load')?.addEventListener('click', async () => console.log(await auth.getAccessToken(), await auth.fetch('/api')));
