#!/usr/bin/env node
/**
 * `pkce-auth-dev-server`: starts the dev authorization server from a terminal.
 *
 * Usage: pkce-auth-dev-server [--port 4000] [--host 127.0.0.1] [--issuer URL]
 *        [--access-token-ttl 300] [--resource http://localhost:4001]
 *        [--tags-resource http://localhost:4002] [--dpop-without-nonce] [--app-origin URL]…
 */
import { parseArgs } from 'node:util';
import { CLIENTS, DEFAULT_ACCOUNTS, DEFAULT_PORT, DEFAULT_RESOURCE, DEFAULT_TAGS_RESOURCE, startDevServer } from './index.js';
import type { DevServer, DevServerOptions } from './index.js';

const usage = `Usage: pkce-auth-dev-server [options]

  --port <n>               port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host <addr>            interface to bind (default 127.0.0.1)
  --issuer <url>           issuer identifier (default http://<host>:<port>)
  --access-token-ttl <s>   access token lifetime in seconds (default 300)
  --refresh-token-ttl <s>  refresh token lifetime in seconds (default 1209600)
  --resource <url>         API resource indicator / JWT audience (default ${DEFAULT_RESOURCE})
  --tags-resource <url>    second API (tags:read) resource indicator (default ${DEFAULT_TAGS_RESOURCE})
  --dpop-without-nonce     accept DPoP proofs without a server nonce (default: nonce required)
  --app-origin <url>       extra SPA origin for notes-spa redirects and CORS (repeatable)
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

type CliValues = ReturnType<typeof parseCli>;

function parseCli() {
  return parseArgs({
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
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}

/** The server options the flags ask for; throws on a malformed number. */
function toOptions(values: CliValues): DevServerOptions {
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
  if (values['app-origin']) options.appOrigins = values['app-origin'];
  return options;
}

/** What the terminal shows once the server listens: its URLs, accounts and clients. */
function banner(server: DevServer, dpopWithoutNonce: boolean): string {
  const accounts = DEFAULT_ACCOUNTS.map((a) => `${a.username} / ${a.password}`).join(', ');
  return [
    `pkce-auth dev server (development only) listening`,
    `  issuer:     ${server.issuer}`,
    `  discovery:  ${server.issuer}/.well-known/openid-configuration`,
    `  resource:   ${server.resource} (JWT access tokens, scopes notes:read notes:write; notes:export for ${CLIENTS.machine.clientId} only)`,
    `  resource:   ${server.tagsResource} (JWT access tokens, scope tags:read; for ${CLIENTS.spa.clientId} and ${CLIENTS.spaPar.clientId})`,
    `  accounts:   ${accounts}   (username / password)`,
    `  clients:    ${CLIENTS.spa.clientId} (public, PKCE), ${CLIENTS.spaPar.clientId} (public, PKCE, PAR required), ${CLIENTS.machine.clientId} / ${CLIENTS.machine.clientSecret}, ${CLIENTS.web.clientId} / ${CLIENTS.web.clientSecret}`,
    `  DPoP:       optional per request, ${dpopWithoutNonce ? 'no server nonce' : 'server nonce required'}; PAR: ${server.issuer}/request`,
    `Press Ctrl-C to stop.`,
    '',
  ].join('\n');
}

/** Stops the server, once, on Ctrl-C or SIGTERM, and exits. */
function stopOnSignals(server: DevServer): void {
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

async function main(): Promise<void> {
  const values = parseCli();
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const server = await startDevServer(toOptions(values));
  process.stdout.write(banner(server, values['dpop-without-nonce'] ?? false));
  stopOnSignals(server);
}

main().catch((err: unknown) => {
  process.stderr.write(`pkce-auth-dev-server: ${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
  process.exit(1);
});
