/**
 * `@pkce-auth/dev-server`: an OpenID Connect authorization server (oidc-provider 9) with
 * development defaults for pkce-auth apps and their end-to-end tests — a demo account, the
 * Notes example's clients, PKCE (S256) required, rotating refresh tokens, RFC 9068 JWT access
 * tokens for two APIs (resource indicators, RFC 8707), DPoP (RFC 9449) with server nonces, pushed
 * authorization requests (RFC 9126), and headless-friendly login, consent and logout pages. It binds to loopback and keeps everything in memory: never use it in production.
 *
 * @packageDocumentation
 */
import type { ClientMetadata, Provider } from 'oidc-provider';
import { forbidFramingOfHtml } from './http.js';
import { listen } from './httpServer.js';
import type { ListeningServer } from './httpServer.js';
import { routeRequests } from './interactions.js';
import { loadProvider } from './oidcProvider.js';
import { issuerUrl, resolveOptions } from './options.js';
import type { DevServerOptions, ResolvedOptions } from './options.js';
import { serveProfile } from './profileServer.js';
import type { ServedProvider } from './profileServer.js';
import type { ProfileName } from './profiles/index.js';
import { providerConfiguration } from './providerConfig.js';

export { signIn } from './signIn.js';
export type { SignInOptions, SignInTokens } from './signIn.js';
export { DEFAULT_ACCOUNTS, DEMO_ACCOUNT } from './accounts.js';
export type { DevAccount } from './accounts.js';
export { CLIENTS, defaultClients } from './clients.js';
export type { DefaultClientsOptions } from './clients.js';
export { describeClients, HOW_TO_ADD_AN_APP } from './registrations.js';
export { DEFAULT_PORT, DEFAULT_RESOURCE, DEFAULT_TAGS_RESOURCE } from './options.js';
export type { DevServerOptions } from './options.js';
export { COGNITO_USER_POOL_ID, ENTRA_TENANT_ID, KEYCLOAK_REALM, PROFILES } from './profiles/index.js';
export type { ProfileName, ProviderProfile } from './profiles/index.js';

/** A running dev server. */
export interface DevServer {
  /** The issuer identifier; discovery lives at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** The port actually bound (the issuer's). */
  port: number;
  /** The quirk profile it behaves as, if any. */
  profile: ProfileName | undefined;
  /** Where the authorization, token and logout endpoints live: the issuer's origin, or with the `cognito` profile its second origin (the hosted-UI "domain"). */
  endpointsOrigin: string;
  /** The resource indicator / JWT access-token audience of the API. */
  resource: string;
  /** The resource indicator / JWT access-token audience of the second API (tags). */
  tagsResource: string;
  /** The registered clients' metadata (redirect URIs included), as given to oidc-provider. */
  clients: readonly ClientMetadata[];
  /** The oidc-provider instance (an EventEmitter: `provider.on('grant.success', …)`). */
  provider: Provider;
  /** Closes the server and every open connection; resolves once closed. */
  stop(): Promise<void>;
}

/**
 * Starts the dev authorization server.
 *
 * @example
 * ```ts
 * const server = await startDevServer({ port: 0, appOrigins: ['http://127.0.0.1:5173'] });
 * // … server.issuer …
 * await server.stop();
 * ```
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const opts = resolveOptions(options);
  const { Provider: ProviderClass, errors } = await loadProvider(opts.quiet);

  // Listen first so the issuer can carry the real port when port 0 was asked for; the server
  // answers 503 until the provider is ready.
  const server = await listen(opts.port, opts.host);
  const served: ServedProvider = opts.profile
    ? await serveProfile(opts.profile, opts, server, { Provider: ProviderClass, errors })
    : serveDefault(server, issuerUrl(opts, server.port), new ProviderClass(issuerUrl(opts, server.port), providerConfiguration(opts, errors)), opts);
  const { issuer, endpointsOrigin, provider, endpointsServer } = served;

  return {
    issuer,
    port: server.port,
    profile: opts.profile,
    endpointsOrigin,
    resource: opts.resource,
    tagsResource: opts.tagsResource,
    clients: opts.clients,
    provider,
    async stop() {
      await Promise.all([server.stop(), endpointsServer?.stop()]);
    },
  };
}

/** The dev server's own behaviour: one origin, the issuer's. */
function serveDefault(server: ListeningServer, issuer: string, provider: Provider, opts: ResolvedOptions): ServedProvider {
  provider.use(forbidFramingOfHtml);
  server.serve(routeRequests(provider, opts.accounts));
  return { issuer, endpointsOrigin: new URL(issuer).origin, provider, endpointsServer: undefined };
}
