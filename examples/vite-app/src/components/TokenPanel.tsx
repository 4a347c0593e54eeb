import { useAuth } from '@pkce-auth/react';
import { useEffect, useState } from 'react';
import { auth } from '../auth';
import { config } from '../config';
import { proofKeyThumbprint } from '../dpop';
import { describeError, formatDuration } from '../format';
import { useProblems } from '../problems';

/** The current time, updated every `intervalMs`. */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

type Thumbprint = { thumbprint: string } | { error: unknown };

/**
 * With a DPoP-bound token, the thumbprint of the key this browser signs its proofs with: from the
 * `DPoP` proof `auth.getAuthHeaders()` makes for a notes API request (made here, never sent).
 * Recomputed when the token changes; `null` for a Bearer token.
 */
function useDpopThumbprint(tokenType: 'Bearer' | 'DPoP' | undefined, accessToken: string | undefined): Thumbprint | null {
  const [result, setResult] = useState<Thumbprint | null>(null);
  useEffect(() => {
    if (tokenType !== 'DPoP' || !accessToken) return;
    let live = true;
    auth
      .getAuthHeaders({ url: config.notesApiUrl, method: 'GET' })
      .then(proofKeyThumbprint)
      .then(
        (thumbprint) => {
          if (live) setResult(thumbprint ? { thumbprint } : { error: new Error('getAuthHeaders() gave no DPoP proof for a DPoP token') });
        },
        (error: unknown) => {
          if (live) setResult({ error });
        },
      );
    return () => {
      live = false;
    };
  }, [tokenType, accessToken]);
  return tokenType === 'DPoP' ? result : null;
}

/**
 * The access token's type (Bearer, or DPoP with its key's thumbprint), lifetime and scope. The SDK
 * refreshes it in the background before it expires (watch the countdown jump back up); "Refresh
 * now" forces a refresh-token grant.
 */
export function TokenPanel() {
  const tokens = useAuth((s) => s.tokens);
  const now = useNow(1000);
  const { report, clear } = useProblems();
  const [refreshing, setRefreshing] = useState(false);
  const dpopKey = useDpopThumbprint(tokens?.tokenType, tokens?.accessToken);

  const onRefresh = async () => {
    clear();
    setRefreshing(true);
    try {
      await auth.refresh();
    } catch (error) {
      report(error);
    } finally {
      setRefreshing(false);
    }
  };

  if (!tokens) return config.authMode === 'bff' ? <ServerTokensPanel /> : null;
  const { expiresAt, scope, accessToken, tokenType } = tokens;
  const secondsLeft = expiresAt === undefined ? null : Math.max(0, Math.ceil((expiresAt - now) / 1000));

  return (
    <section className="card token-panel" data-testid="token-panel" aria-labelledby="token-panel-title">
      <h2 id="token-panel-title">Access token</h2>
      <dl className="facts">
        <dt>Type</dt>
        <dd>
          <code data-testid="token-type">{tokenType}</code>{' '}
          <span className="muted">
            {tokenType === 'DPoP'
              ? '(bound to a key of this browser: each request carries a proof signed with it)'
              : '(a bearer token: whoever holds it can use it)'}
          </span>
        </dd>
        {tokenType === 'DPoP' && (
          <>
            <dt>DPoP key</dt>
            <dd>
              {dpopKey === null ? (
                <span className="muted">…</span>
              ) : 'thumbprint' in dpopKey ? (
                <code data-testid="dpop-thumbprint" title="The key's JWK SHA-256 thumbprint (RFC 7638): the token's cnf.jkt">
                  {dpopKey.thumbprint}
                </code>
              ) : (
                <span className="banner error" role="alert" data-testid="dpop-thumbprint-error">
                  {describeError(dpopKey.error).message}
                </span>
              )}
            </dd>
          </>
        )}
        <dt>Expires in</dt>
        <dd>
          <span
            className={secondsLeft !== null && secondsLeft <= 10 ? 'countdown soon' : 'countdown'}
            data-testid="token-expiry"
            data-expires-at={expiresAt}
            data-seconds-left={secondsLeft ?? undefined}
          >
            {secondsLeft === null ? 'unknown (no expires_in)' : secondsLeft === 0 ? 'expired' : formatDuration(secondsLeft)}
          </span>
          {expiresAt !== undefined && <span className="muted"> at {new Date(expiresAt).toLocaleTimeString()}</span>}
        </dd>
        <dt>Scope</dt>
        <dd data-testid="token-scope">
          {scope ? (
            <ul className="scopes">
              {scope.split(' ').filter(Boolean).map((item) => (
                <li key={item}>
                  <code>{item}</code>
                </li>
              ))}
            </ul>
          ) : (
            <span className="muted">not returned (the requested scope was granted)</span>
          )}
        </dd>
        <dt>Token</dt>
        <dd>
          <code data-testid="token-tail" title="The last characters; they change when the token is refreshed">
            {tokenType} …{accessToken.slice(-12)}
          </code>
        </dd>
      </dl>
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={() => void onRefresh()}
          disabled={refreshing}
          data-testid="refresh-now"
        >
          {refreshing ? 'Refreshing…' : 'Refresh now'}
        </button>
      </div>
    </section>
  );
}

/**
 * BFF mode: there is no token here to show. The BFF holds the access and refresh tokens at the
 * server and refreshes them there; the page has an HttpOnly session cookie it cannot even read,
 * and `useAuth(s => s.tokens)` is null.
 */
function ServerTokensPanel() {
  return (
    <section className="card token-panel" data-testid="token-panel-bff" aria-labelledby="token-panel-title">
      <h2 id="token-panel-title">Access token</h2>
      <p data-testid="tokens-on-server">
        The tokens stay on the server: the BFF (<code>@pkce-auth/bff</code>, at <code>/bff</code> on this origin) holds the
        access and refresh tokens, refreshes them, and attaches the access token to each API call it forwards
        (<code>/api/…</code>).
      </p>
      <p className="muted">
        This page has only an <code>HttpOnly</code> session cookie that its scripts cannot read, and sends the{' '}
        <code>X-CSRF: 1</code> header with each call; script running here cannot take a token away.
      </p>
    </section>
  );
}
