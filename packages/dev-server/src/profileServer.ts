/** Starting the dev server's provider with a quirk profile: its configuration, middleware and origins. */
import type { Provider } from 'oidc-provider';
import { forbidFramingOfHtml } from './http.js';
import { listen } from './httpServer.js';
import type { ListeningServer } from './httpServer.js';
import { devPages } from './interactions.js';
import type { ProviderConstructor, OidcErrors } from './oidcProvider.js';
import { issuerUrl } from './options.js';
import type { ResolvedOptions } from './options.js';
import { applyProfile, profileMiddleware } from './profileConfig.js';
import { profileHandlers } from './profileRequests.js';
import { PROFILES } from './profiles/index.js';
import type { ProfileName } from './profiles/index.js';
import { providerConfiguration, signingKey } from './providerConfig.js';

/** A provider behind its listening origins. */
export interface ServedProvider {
  issuer: string;
  /** Where the authorization, token, logout… endpoints live (Cognito's hosted-UI domain; else the issuer's origin). */
  endpointsOrigin: string;
  provider: Provider;
  /** The second origin's server, for a profile that has one. */
  endpointsServer: ListeningServer | undefined;
}

/**
 * The provider of a profile on `server` (the issuer's origin) and, for Cognito, a second server
 * for the endpoints; the issuer is the origin plus the profile's issuer path.
 */
export async function serveProfile(
  name: ProfileName,
  opts: ResolvedOptions,
  server: ListeningServer,
  { Provider: ProviderClass, errors }: { Provider: ProviderConstructor; errors: OidcErrors },
): Promise<ServedProvider> {
  const profile = PROFILES[name];
  const origin = issuerUrl(opts, server.port);
  const endpointsServer = profile.endpointsOnSecondOrigin ? await listen(opts.endpointsPort, opts.host) : undefined;
  const endpointsOrigin = endpointsServer ? issuerUrl({ host: opts.host, issuer: undefined }, endpointsServer.port) : new URL(origin).origin;
  const issuer = `${origin}${profile.issuerPath}`;
  const key = signingKey();
  const provider = new ProviderClass(issuer, applyProfile(providerConfiguration(opts, errors, key), profile));
  provider.use(forbidFramingOfHtml);
  provider.use(profileMiddleware({ profile, issuer, endpointsOrigin, signingKey: key }));
  const handlers = profileHandlers(profile, devPages(provider, opts.accounts), provider.callback());
  server.serve(handlers.issuerOrigin);
  if (endpointsServer && handlers.endpointsOrigin) endpointsServer.serve(handlers.endpointsOrigin);
  return { issuer, endpointsOrigin, provider, endpointsServer };
}
