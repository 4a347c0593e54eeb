/** The CLI's flags, the server options they give, and the banner it prints. */
import { parseArgs } from 'node:util';
import { CLIENTS, DEFAULT_ACCOUNTS, DEFAULT_PORT, DEFAULT_RESOURCE, DEFAULT_TAGS_RESOURCE, describeClients, HOW_TO_ADD_AN_APP } from './index.js';
import type { DevServer, DevServerOptions, ProfileName } from './index.js';
import { profileNamed } from './profiles/index.js';

/** The `--help` text. */
export const usage = `Usage: pkce-auth-dev-server [options]

  --port <n>               port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host <addr>            interface to bind (default 127.0.0.1)
  --issuer <url>           issuer identifier (default http://<host>:<port>)
  --access-token-ttl <s>   access token lifetime in seconds (default 300)
  --refresh-token-ttl <s>  refresh token lifetime in seconds (default 1209600)
  --resource <url>         API resource indicator / JWT audience (default ${DEFAULT_RESOURCE})
  --tags-resource <url>    second API (tags:read) resource indicator (default ${DEFAULT_TAGS_RESOURCE})
  --dpop-without-nonce     accept DPoP proofs without a server nonce (default: nonce required)
  --app-origin <origin>    your app's origin, e.g. http://localhost:5190 (repeatable): registers
                           <origin>/callback and the post-logout <origin>/ for notes-spa (and
                           notes-spa-par, notes-bff's <origin>/bff/callback, every --client) and
                           allows the origin in CORS; also APP_ORIGINS=<origin>,<origin>
  --client <id>            another public client (PKCE, refresh tokens), registered like notes-spa
                           with its redirect URIs, under its own id (repeatable); also
                           APP_CLIENT_IDS=<id>,<id>
  --profile <name>         behave as cognito, auth0, keycloak, entra or okta does on the points that
                           matter to a client (issuer and endpoint paths, logout, revocation, iss,
                           refresh rotation, aud); see the package README
  --endpoints-port <n>     with --profile cognito: the port of the endpoints' origin, the hosted-UI
                           "domain" (default: a free port)
  --verbose                show oidc-provider's own notices
  -h, --help               show this help
`;

function positiveInt(name: string, value: string | undefined, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${value}"`);
  }
  return n;
}

export type CliValues = ReturnType<typeof parseCli>;

/** The flags of `args` (`process.argv.slice(2)`); throws on an unknown or malformed one. */
export function parseCli(args: string[]) {
  return parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      issuer: { type: 'string' },
      'access-token-ttl': { type: 'string' },
      'refresh-token-ttl': { type: 'string' },
      resource: { type: 'string' },
      'tags-resource': { type: 'string' },
      'dpop-without-nonce': { type: 'boolean' },
      'app-origin': { type: 'string', multiple: true },
      client: { type: 'string', multiple: true },
      profile: { type: 'string' },
      'endpoints-port': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}

/** The server options the flags and the environment (APP_ORIGINS, APP_CLIENT_IDS) ask for; throws on a malformed number. */
export function toOptions(values: CliValues, env: Record<string, string | undefined>): DevServerOptions {
  const options: DevServerOptions = { quiet: !values.verbose };
  const port = positiveInt('port', values.port, true);
  if (port !== undefined) options.port = port;
  if (values.host) options.host = values.host;
  if (values.issuer) options.issuer = values.issuer;
  const accessTokenTtl = positiveInt('access-token-ttl', values['access-token-ttl']);
  if (accessTokenTtl !== undefined) options.accessTokenTtl = accessTokenTtl;
  const refreshTokenTtl = positiveInt('refresh-token-ttl', values['refresh-token-ttl']);
  if (refreshTokenTtl !== undefined) options.refreshTokenTtl = refreshTokenTtl;
  if (values.resource) options.resource = values.resource;
  if (values['tags-resource']) options.tagsResource = values['tags-resource'];
  if (values['dpop-without-nonce']) options.dpopNonce = false;
  if (values.profile) options.profile = profileNamed(values.profile) && (values.profile as ProfileName);
  const endpointsPort = positiveInt('endpoints-port', values['endpoints-port'], true);
  if (endpointsPort !== undefined) options.endpointsPort = endpointsPort;
  const appOrigins = [...listOf(env['APP_ORIGINS']), ...(values['app-origin'] ?? [])];
  if (appOrigins.length) options.appOrigins = appOrigins;
  const clientIds = [...listOf(env['APP_CLIENT_IDS']), ...(values.client ?? [])];
  if (clientIds.length) options.publicClientIds = clientIds;
  return options;
}

/** A comma- or space-separated list from the environment. */
function listOf(value: string | undefined): string[] {
  return value?.split(/[\s,]+/).filter(Boolean) ?? [];
}

/** What the terminal shows once the server listens: its URLs, accounts and clients. */
export function banner(server: DevServer, dpopWithoutNonce: boolean): string {
  const accounts = DEFAULT_ACCOUNTS.map((a) => `${a.username} / ${a.password}`).join(', ');
  return [
    `pkce-auth dev server (development only) listening`,
    `  issuer:     ${server.issuer}${server.profile ? `   (profile ${server.profile}; endpoints on ${server.endpointsOrigin})` : ''}`,
    `  discovery:  ${server.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
    `  resource:   ${server.resource} (JWT access tokens, scopes notes:read notes:write; notes:export for ${CLIENTS.machine.clientId} only)`,
    `  resource:   ${server.tagsResource} (JWT access tokens, scope tags:read; for ${CLIENTS.spa.clientId} and ${CLIENTS.spaPar.clientId})`,
    `  accounts:   ${accounts}   (username / password)`,
    `  DPoP:       optional per request, ${dpopWithoutNonce ? 'no server nonce' : 'server nonce required'}; PAR: ${server.profile ? 'see discovery' : `${server.issuer}/request`}`,
    `  clients:`,
    ...describeClients(server.clients).map((line) => `    ${line}`),
    ...HOW_TO_ADD_AN_APP.map((line) => `  ${line}`),
    `Press Ctrl-C to stop.`,
    '',
  ].join('\n');
}

