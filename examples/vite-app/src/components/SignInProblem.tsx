import { useAuth, type AuthError } from '@pkce-auth/react';
import { useEffect } from 'react';
import { Link } from 'react-router-dom';
import { describeError, plainWords } from '../format';
import { useProblems } from '../problems';

/**
 * Where "Sign in again" returns to: the failed login's own `returnTo` when the error carries it;
 * from the callback page (no place to come back to) the home page; elsewhere this page.
 */
function retryReturnTo(error: AuthError): string | undefined {
  const { returnTo } = error as { returnTo?: unknown };
  if (typeof returnTo === 'string') return returnTo;
  return window.location.pathname === '/callback' ? '/' : undefined;
}

/**
 * What a failed sign-in leaves on screen: what happened in plain words, with the error code for
 * developers (the details also go to the error banner above: a failed callback is already the
 * session's error; a login that could not start is reported to the banner here). Signing in again clears it.
 */
export function SignInProblem({ title, error }: { title: string; error: AuthError }) {
  const { login } = useAuth();
  const stateError = useAuth((s) => s.error);
  const { report, clear } = useProblems();

  useEffect(() => {
    if (error !== stateError) report(error);
  }, [error, stateError, report]);

  const retry = () => {
    clear();
    const returnTo = retryReturnTo(error);
    login(returnTo === undefined ? undefined : { returnTo }).catch(report);
  };

  return (
    <section className="card" data-testid="sign-in-problem" data-error-code={error.code}>
      <h1>{title}</h1>
      <p data-testid="sign-in-problem-words">{plainWords(error)}</p>
      <p className="muted">
        For developers: <code className="error-code">{describeError(error).code}</code>
      </p>
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
