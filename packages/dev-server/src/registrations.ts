/** What the dev server tells a person about its registered clients: the start-up banner's list and how to add an app. */
import type { ClientMetadata } from 'oidc-provider';

/** How to register one's own app, as the banner and the redirect-URI error page say it. */
export const HOW_TO_ADD_AN_APP = [
  'Your own app: start with --app-origin <origin> (repeatable) or APP_ORIGINS=<origin>,<origin> in the environment',
  '(also for `pnpm dev`): it registers <origin>/callback and the post-logout <origin>/ for notes-spa (and',
  'notes-spa-par, notes-bff, every --client) and allows <origin> in CORS.',
  'Another public client with its own id: --client <id> (repeatable) or APP_CLIENT_IDS=<id>,<id>.',
] as const;

/** One line per registered client: its id, kind, and redirect and post-logout redirect URIs. */
export function describeClients(clients: readonly ClientMetadata[]): string[] {
  return clients.flatMap((client) => {
    const lines = [`${client.client_id} (${kindOf(client)})`];
    const redirects = client.redirect_uris ?? [];
    const postLogout = client.post_logout_redirect_uris ?? [];
    if (redirects.length) lines.push(`  redirect URIs: ${redirects.join(', ')}`);
    if (postLogout.length) lines.push(`  post-logout:   ${postLogout.join(', ')}`);
    return lines;
  });
}

function kindOf(client: ClientMetadata): string {
  const grants = client.grant_types ?? ['authorization_code'];
  if (client.token_endpoint_auth_method === 'none') {
    return client.require_pushed_authorization_requests ? 'public, PKCE, PAR required' : 'public, PKCE';
  }
  const secret = typeof client.client_secret === 'string' ? `, secret ${client.client_secret}` : '';
  return `confidential${secret}; ${grants.join(', ')}`;
}
