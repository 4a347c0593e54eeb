import { useAuth, type AuthError } from '@pkce-auth/react';
import { useEffect } from 'react';
import { Link } from 'react-router-dom';
import { useProblems } from '../problems';

/**
 * What a failed sign-in leaves on screen. The details go to the error banner above: a failed
 * callback is already the session's error; a login that could not start (say, the server is
 * unreachable) is reported to the banner here. This offers the way out; signing in again clears it.
 */
export function SignInProblem({ title, error, returnTo }: { title: string; error: AuthError; returnTo?: string }) {
  const { login } = useAuth();
  const stateError = useAuth((s) => s.error);
  const { report, clear } = useProblems();

  useEffect(() => {
    if (error !== stateError) report(error);
  }, [error, stateError, report]);

  const retry = () => {
    clear();
    login(returnTo === undefined ? undefined : { returnTo }).catch(report);
  };

  return (
    <section className="card" data-testid="sign-in-problem">
      <h1>{title}</h1>
      <p>The reason is shown above. You can try again, or go back to the home page.</p>
      <div className="actions">
        <button type="button" className="button primary" onClick={retry} data-testid="retry-login">
          Sign in again
        </button>
        <Link className="button" to="/">
          Home
        </Link>
      </div>
    </section>
  );
}
