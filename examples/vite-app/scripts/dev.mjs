// `pnpm dev`: the authorization server (@pkce-auth/dev-server) on :4000, the notes API on :4001,
// the tags API on :4002 and this app (Vite) on :5173, together; Ctrl-C stops them all. What it
// shares with `pnpm dev:bff` (dev-bff.mjs) is in devStack.mjs.
//
// With VITE_AUTH_ISSUER set (environment or .env / .env.local) a real provider is used instead:
// the dev server is not started and the APIs check that provider's tokens.
//
// Environment (all optional):
//   VITE_AUTH_ISSUER        a real provider's issuer (skips the dev server)
//   VITE_AUTH_AUDIENCE      the notes API's audience, as the app requests it (default http://localhost:4001)
//   AUTH_PORT               dev server port (default 4000)
//   NOTES_API_PORT          notes API port (default 4001)
//   VITE_NOTES_API_URL      where the app calls the notes API; also the API's public origin for DPoP `htu`,
//                           so an origin only (the API serves /notes at its root; a path is refused)
//   APP_PORT                Vite port (default 5173)
//   APP_ORIGINS             your own apps' origins, comma-separated (e.g. http://localhost:5190): each gets
//                           <origin>/callback and the post-logout <origin>/ at the dev server (notes-spa and the
//                           other app clients) and is allowed by the notes and tags APIs' CORS
//   APP_CLIENT_IDS          more public clients at the dev server, comma-separated, registered like notes-spa
//   NOTES_API_ISSUER        issuer the API trusts (default VITE_AUTH_ISSUER, else the dev server)
//   NOTES_API_AUDIENCE      `aud` the API requires (default VITE_AUTH_AUDIENCE or http://localhost:4001; empty = no check)
//   NOTES_API_READ_SCOPE / NOTES_API_WRITE_SCOPE   scope names (default notes:read / notes:write)
//   NOTES_API_EXPORT_SCOPE  scope of GET /notes/export (default notes:export)
//   NOTES_API_EXPORT_CLIENTS  client ids allowed to export, comma- or space-separated (default notes-machine)
//   NOTES_API_TOKEN_TYP     required JWT typ (default at+jwt with the dev server, none for a real provider; empty = no check),
//                           for both APIs
//   VITE_TAGS_RESOURCE      the tags API's resource indicator, as the app requests it (default http://localhost:4002);
//                           also the dev server's tagsResource
//   TAGS_API_PORT           tags API port (default 4002; set VITE_TAGS_API_URL to match)
//   VITE_TAGS_API_URL       where the app calls the tags API, an origin (default http://127.0.0.1:4002): the API's
//                           public origin for DPoP `htu`; set it empty to start no tags API
//   TAGS_API_AUDIENCE       `aud` the tags API requires (default VITE_TAGS_RESOURCE; empty = no check)
import { fileURLToPath } from 'node:url';
import { printSummary, readSettings, startServers, stopOnSignals } from './devStack.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

async function main() {
  const vite = await import('vite');
  // Same variables Vite will see: process.env plus .env, .env.local, .env.development(.local).
  const settings = readSettings(vite, root, 'development');
  const { stops, shutdown } = stopOnSignals();

  try {
    if (settings.env.VITE_AUTH_MODE?.trim() === 'bff') {
      throw new Error('VITE_AUTH_MODE=bff: the BFF mode needs its server in front of the app; run `pnpm dev:bff` instead');
    }
    const servers = await startServers(settings, stops);

    const server = await vite.createServer({
      root,
      server: { port: settings.appPort, strictPort: true, host: 'localhost' },
    });
    stops.push(() => server.close());
    await server.listen();

    printSummary(settings, servers, [['Notes app', `http://localhost:${settings.appPort}/`]]);
  } catch (err) {
    console.error(`dev: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown(1);
  }
}

await main();
