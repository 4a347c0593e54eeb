import { useAuth } from '@pkce-auth/react';
import { describeError, plainWords } from '../format';
import { useProblems } from '../problems';

/**
 * The session's error (`AuthState.error`, e.g. a failed callback or background refresh) and the
 * last failed action: in plain words, then the error code and message a developer can look up.
 */
export function AuthErrorBanner() {
  const stateError = useAuth((s) => s.error);
  const { actionError, clear } = useProblems();

  const errors = [stateError, actionError !== stateError ? actionError : null].filter(
    (error) => error !== null && error !== undefined,
  );
  if (errors.length === 0) return null;

  return (
    <div className="banner error" role="alert" data-testid="auth-error">
      {errors.map((error, index) => {
        const { code, message } = describeError(error);
        return (
          <p key={index}>
            <strong data-testid="auth-error-words">{plainWords(error)}</strong> <code className="error-code">{code}</code>{' '}
            {message}
          </p>
        );
      })}
      {actionError !== null && (
        <button type="button" className="button small" onClick={clear}>
          Dismiss
        </button>
      )}
    </div>
  );
}
