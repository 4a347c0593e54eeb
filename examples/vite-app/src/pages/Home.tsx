import { useAuth } from '@pkce-auth/react';
import { Link } from 'react-router-dom';
import { config } from '../config';
import { displayName } from '../format';

const isLocalServer = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(config.issuer);

export function Home() {
  const { isAuthenticated, user } = useAuth();

  return (
    <div className="stack" data-testid="home-page">
      <section className="card">
        <h1>Notes</h1>
        <p className="lead">
          A single-page app that signs you in with OAuth 2.0 Authorization Code + PKCE and saves your notes
          through an API that accepts only access tokens with the right scope.
        </p>
        {isAuthenticated && user ? (
          <p>
            Signed in as <strong>{displayName(user)}</strong>. Go to <Link to="/notes">your notes</Link> or see{' '}
            <Link to="/profile">your ID-token claims</Link>.
          </p>
        ) : (
          <p>
            Open <Link to="/notes">Notes</Link> or <Link to="/profile">Profile</Link>, or press <em>Sign in</em>:
            you are sent to the authorization server, and come back here signed in.
          </p>
        )}
        {isLocalServer && !isAuthenticated && (
          <p className="hint" data-testid="demo-credentials">
            Local development server: sign in as <code>demo</code> with password <code>demo</code>.
          </p>
        )}
      </section>

      <section className="card">
        <h2>Who does what</h2>
        <dl className="roles">
          <dt>Resource Owner</dt>
          <dd>You. You sign in at the authorization server; this app never sees your password.</dd>
          <dt>Client</dt>
          {config.authMode === 'bff' ? (
            <dd data-testid="client-role-bff">
              This app's server, the BFF at <code>/bff</code> on this origin: a confidential client with a secret, which
              runs the login with PKCE, keeps the tokens and forwards this page's API calls with them. The page has an
              HttpOnly session cookie, never a token.
            </dd>
          ) : (
            <dd>
              This app, <code>{config.clientId}</code>: a public client with no secret. It proves it started the
              login with a PKCE code verifier when it exchanges the authorization code for tokens.
            </dd>
          )}
          <dt>Authorization Server</dt>
          <dd>
            <code>{config.issuer}</code>: authenticates you and issues an ID token (who you are) and an access
            token (what this app may do).
          </dd>
          <dt>Resource Server</dt>
          <dd>
            The notes API at <code>{config.notesApiUrl}</code>{config.authMode === 'bff' && ' (through the BFF)'}: checks the access token's signature, audience and
            scope — <code>notes:read</code> to list notes, <code>notes:write</code> to add or delete them.
            {config.tagsApiUrl && (
              <>
                {' '}
                And the tags API at <code>{config.tagsApiUrl}</code>, which takes only tokens for its own audience,{' '}
                <code>{config.tagsResource}</code>, with <code>tags:read</code>: the {config.authMode === 'bff' ? 'BFF' : 'app'} holds a
                token per API.
              </>
            )}
          </dd>
        </dl>
      </section>
    </div>
  );
}
