/** Where a dev-server page's "Back to the app" link leads: only ever to an origin the client registered. */

/** A client's registered URIs, as oidc-provider's `Client` has them. */
export interface RegisteredUris {
  redirectUris?: readonly string[] | undefined;
  postLogoutRedirectUris?: readonly string[] | undefined;
}

/**
 * The app's page for "Back to the app": the client's post-logout redirect URI (its home page) on
 * the origin of `requested` (the request's `redirect_uri` or `post_logout_redirect_uri`) when that
 * is one of its registered redirect or post-logout redirect URIs, else on the origin of its first
 * redirect URI; `<origin>/` when no post-logout URI lives there. A URI that is not registered
 * is never followed (a hostile link cannot make this page send the person elsewhere);
 * `undefined` when the client registered none.
 */
export function backToAppUrl(client: RegisteredUris | undefined, requested?: unknown): string | undefined {
  const registered = [...(client?.redirectUris ?? []), ...(client?.postLogoutRedirectUris ?? [])];
  const chosen = typeof requested === 'string' && registered.includes(requested) ? requested : registered[0];
  const origin = chosen === undefined ? undefined : URL.parse(chosen)?.origin;
  if (!origin || origin === 'null') return undefined;
  return client?.postLogoutRedirectUris?.find((uri) => URL.parse(uri)?.origin === origin) ?? `${origin}/`;
}
