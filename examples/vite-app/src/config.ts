/**
 * The app's settings, read once from `import.meta.env` (Vite inlines `VITE_*` variables at
 * build time). The defaults point at the local development stack that `pnpm dev` starts;
 * `VITE_AUTH_MODE=bff` (what `pnpm dev:bff` builds) is the BFF mode, where a server on the app's
 * origin holds the tokens and the APIs are called through it.
 */

const env = import.meta.env;

/** An unset or blank variable falls back to its default. */
function read(value: string | undefined, fallback: string): string {
  const trimmed = value?.trim();
  return trimmed ? trimmed : fallback;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${name} must be one of ${allowed.join(', ')}; got "${value}". Fix it in your .env file.`);
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

// Unlike the other variables, an explicitly empty VITE_AUTH_AUDIENCE means "send no audience":
// some providers (Entra ID v2) reject a `resource` parameter outright.
const audience = env.VITE_AUTH_AUDIENCE === undefined ? 'http://localhost:4001' : env.VITE_AUTH_AUDIENCE.trim();
const audienceParam = oneOf(
  'VITE_AUTH_AUDIENCE_PARAM',
  read(env.VITE_AUTH_AUDIENCE_PARAM, 'resource'),
  ['resource', 'audience', 'none'] as const,
);

// Like VITE_AUTH_AUDIENCE, an explicitly empty VITE_TAGS_API_URL means "no tags API": a real
// provider knows nothing of its resource or its `tags:read` scope and would refuse the sign-in.
const tagsApiUrl = env.VITE_TAGS_API_URL === undefined ? 'http://127.0.0.1:4002' : stripTrailingSlash(env.VITE_TAGS_API_URL.trim());

const origin = typeof window === 'undefined' ? 'http://localhost:5173' : window.location.origin;

// `browser`: the app is the OAuth client and holds the tokens. `bff`: the BFF (@pkce-auth/bff) on
// this origin is the client and holds them; the app calls the APIs on its own origin, under /api.
const authMode = oneOf('VITE_AUTH_MODE', read(env.VITE_AUTH_MODE, 'browser'), ['browser', 'bff'] as const);
const bffApiBase = `${origin}/api`;

export const config = {
  /** Who holds the tokens: this page (`browser`), or the BFF on this origin (`bff`): see `auth.ts`. */
  authMode,
  /** The authorization server; metadata comes from `<issuer>/.well-known/openid-configuration`. */
  issuer: read(env.VITE_AUTH_ISSUER, 'http://127.0.0.1:4000'),
  /** The public client's id (no secret: this is a browser app). */
  clientId: read(env.VITE_AUTH_CLIENT_ID, 'notes-spa'),
  /** Space-separated scopes; `notes:read` / `notes:write` are what the notes API checks. */
  scope: read(env.VITE_AUTH_SCOPE, 'openid profile email offline_access notes:read notes:write'),
  /** The notes API's identifier, sent so the server issues an access token for it. */
  audience,
  /** Which authorization parameter carries {@link audience}: RFC 8707 `resource` or Auth0's `audience`. */
  audienceParam: audience === '' ? ('none' as const) : audienceParam,
  /** Where the session lives: this tab only, shared across tabs, or in memory (gone on reload). */
  storage: oneOf('VITE_AUTH_STORAGE', read(env.VITE_AUTH_STORAGE, 'session'), [
    'session',
    'local',
    'memory',
  ] as const),
  /** The notes API (Resource Server); in BFF mode `<origin>/api`, which the BFF forwards to it. */
  notesApiUrl: authMode === 'bff' ? bffApiBase : stripTrailingSlash(read(env.VITE_NOTES_API_URL, 'http://127.0.0.1:4001')),
  /** The tags API, a second Resource Server with a token of its own; `null` when VITE_TAGS_API_URL is empty; in BFF mode `<origin>/api`. */
  tagsApiUrl: tagsApiUrl ? (authMode === 'bff' ? bffApiBase : tagsApiUrl) : null,
  /** The tags API's resource indicator (RFC 8707): its token is asked for with this `resource`. */
  tagsResource: read(env.VITE_TAGS_RESOURCE, 'http://localhost:4002'),
  /** Bind the tokens to a key of this browser (DPoP, RFC 9449). */
  dpop: oneOf('VITE_AUTH_DPOP', read(env.VITE_AUTH_DPOP, 'false'), ['true', 'false'] as const) === 'true',
  /** Pushed authorization requests (RFC 9126): `'auto'` when the server requires them, or always / never. */
  par: parOption(oneOf('VITE_AUTH_PAR', read(env.VITE_AUTH_PAR, 'auto'), ['auto', 'true', 'false'] as const)),
  /**
   * At start-up, without a session here, look for one at the server with one `prompt=none`
   * redirect (once per tab session): a single sign-on session signs in without a form.
   */
  restore: oneOf('VITE_AUTH_RESTORE', read(env.VITE_AUTH_RESTORE, 'true'), ['true', 'false'] as const) === 'true',
  /**
   * How the routes are guarded: `components` (`<RequireAuth>` and `<Callback>` in `<Routes>`), or
   * `data` (`createBrowserRouter` with the `requireAuth` / `callbackLoader` loaders of
   * `@pkce-auth/react/router`: a guard runs before its route renders).
   */
  router: oneOf('VITE_AUTH_ROUTER', read(env.VITE_AUTH_ROUTER, 'components'), ['components', 'data'] as const),
  /** Derived from the page's origin, so the app works on any host and port. */
  redirectUri: `${origin}/callback`,
  postLogoutRedirectUri: `${origin}/`,
} as const;

function parOption(value: 'auto' | 'true' | 'false'): boolean | 'auto' {
  return value === 'auto' ? 'auto' : value === 'true';
}

/** The extra authorization-request parameters that name the notes API, if any. */
export function audienceParams(): Record<string, string> | undefined {
  if (config.audienceParam === 'none') return undefined;
  return { [config.audienceParam]: config.audience };
}
