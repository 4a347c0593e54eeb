#!/usr/bin/env node
/**
 * `pkce-auth-dev-server`: starts the dev authorization server from a terminal.
 *
 * Usage: pkce-auth-dev-server [--port 4000] [--host 127.0.0.1] [--issuer URL]
 *        [--access-token-ttl 300] [--resource http://localhost:4001]
 *        [--tags-resource http://localhost:4002] [--dpop-without-nonce] [--app-origin URL]…
 *        [--client ID]…   (environment: APP_ORIGINS, APP_CLIENT_IDS, comma-separated)
 */
import { banner, parseCli, toOptions, usage } from './cliOptions.js';
import { startDevServer } from './index.js';
import type { DevServer } from './index.js';

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
  const values = parseCli(process.argv.slice(2));
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const server = await startDevServer(toOptions(values, process.env));
  process.stdout.write(banner(server, values['dpop-without-nonce'] ?? false));
  stopOnSignals(server);
}

main().catch((err: unknown) => {
  process.stderr.write(`pkce-auth-dev-server: ${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
  process.exit(1);
});
