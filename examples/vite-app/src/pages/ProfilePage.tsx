import { useAuth } from '@pkce-auth/react';
import { displayName } from '../format';

/** Claims that are NumericDate values (seconds since the epoch), shown with a readable date too. */
const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time', 'updated_at']);

function formatClaim(name: string, value: unknown): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    return `${value} (${new Date(value * 1000).toLocaleString()})`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function ProfilePage() {
  // Only `user`: this page does not re-render when the access token is refreshed.
  const user = useAuth((s) => s.user);
  if (!user) return null;

  return (
    <section className="card" data-testid="profile-page">
      <h1>{displayName(user)}</h1>
      <p className="muted">
        The claims of your ID token, validated by the SDK (issuer, audience, expiry, nonce) before it signed you in.
      </p>
      <table className="claims" data-testid="claims-table">
        <thead>
          <tr>
            <th scope="col">Claim</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(user).map(([name, value]) => (
            <tr key={name} data-testid={`claim-${name}`}>
              <th scope="row">
                <code>{name}</code>
              </th>
              <td>{formatClaim(name, value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
