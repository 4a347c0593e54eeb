import { useAuth } from '@pkce-auth/react';
import { useState } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router-dom';
import { auth, signOut } from '../auth';
import { config } from '../config';
import { displayName } from '../format';
import { useProblems } from '../problems';

export function Header() {
  return (
    <header className="header">
      <div className="header-inner">
        <Link to="/" className="brand">
          Notes
        </Link>
        <nav className="nav" aria-label="Main">
          <NavLink to="/" end>
            Home
          </NavLink>
          <NavLink to="/notes">Notes</NavLink>
          <NavLink to="/profile">Profile</NavLink>
        </nav>
        <div className="session">
          <AuthStatus />
          <UserName />
          <AuthButton />
        </div>
      </div>
    </header>
  );
}

/** The session status, small; selecting only `status` keeps token refreshes from re-rendering it. */
function AuthStatus() {
  const status = useAuth((s) => s.status);
  return (
    <span className={`status status-${status}`} data-testid="auth-status" title="Session status">
      {status}
    </span>
  );
}

/** Selects only `user`: a refreshed token does not re-render the name. */
function UserName() {
  const user = useAuth((s) => s.user);
  if (!user) return null;
  return (
    <span className="user-name" data-testid="user-name">
      {displayName(user)}
    </span>
  );
}

function AuthButton() {
  const status = useAuth((s) => s.status);
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const { report, clear } = useProblems();
  const [busy, setBusy] = useState(false);

  if (status === 'authenticated') {
    const onSignOut = async () => {
      clear();
      setBusy(true);
      // Leave protected pages first, so a cleared session there does not start a new login.
      void navigate('/');
      try {
        await signOut();
      } catch (error) {
        report(error);
      } finally {
        setBusy(false);
      }
    };
    return (
      <button type="button" className="button" onClick={() => void onSignOut()} disabled={busy} data-testid="logout-button">
        Sign out
      </button>
    );
  }

  const onSignIn = async () => {
    clear();
    setBusy(true);
    try {
      // returnTo defaults to the current path, so signing in from /profile comes back to /profile;
      // a failed callback's URL is not worth coming back to.
      await auth.login(pathname === '/callback' ? { returnTo: '/' } : undefined);
    } catch (error) {
      report(error);
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className="button primary"
        onClick={() => void onSignIn()}
        disabled={busy || status === 'loading'}
        data-testid="login-button"
      >
        Sign in
      </button>
      {config.authMode === 'browser' && <PopupSignIn disabled={busy || status === 'loading'} />}
    </>
  );
}

/**
 * Signs in in a popup: this page stays as it is (unsaved input, scroll) and is signed in when the
 * popup closes. `loginWithPopup` opens the window synchronously, so it must run in the click itself.
 */
function PopupSignIn({ disabled }: { disabled: boolean }) {
  const { loginWithPopup } = useAuth();
  const { report, clear } = useProblems();
  const [busy, setBusy] = useState(false);
  const onClick = () => {
    clear();
    setBusy(true);
    loginWithPopup()
      .catch(report)
      .finally(() => setBusy(false));
  };
  return (
    <button type="button" className="button" onClick={onClick} disabled={disabled || busy} data-testid="popup-login-button">
      Sign in in a popup
    </button>
  );
}
