import { AuthProvider } from '@pkce-auth/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './App';
import { auth } from './auth';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html must contain <div id="root">');

// StrictMode runs effects twice in development; the callback still exchanges its code once.
createRoot(root).render(
  <StrictMode>
    <AuthProvider client={auth}>
      {/* No transitions: "Sign out" navigates to / and clears the session in one render, so
          <RequireAuth> on /notes never sees `unauthenticated` and starts a new login. */}
      <BrowserRouter useTransitions={false}>
        <App />
      </BrowserRouter>
    </AuthProvider>
  </StrictMode>,
);
