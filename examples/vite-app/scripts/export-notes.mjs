// The "nightly export": a machine job with its own client secret gets an access token with the
// Client Credentials grant (no person, token endpoint only) for the export scope `notes:export`,
// and reads every person's notes from the notes API's export route, which also requires the
// client to be on its allow-list (`exportClients`, by default just notes-machine).
//
//   node scripts/export-notes.mjs          (with `pnpm dev` running)
//
// Environment (all optional): AUTH_ISSUER (default http://127.0.0.1:4000), NOTES_API_URL
// (default http://127.0.0.1:4001), NOTES_API_AUDIENCE (default http://localhost:4001; empty = send
// no resource), EXPORT_CLIENT_ID (default notes-machine), EXPORT_CLIENT_SECRET (default
// notes-machine-secret), EXPORT_SCOPE (default notes:export).
import { pathToFileURL } from 'node:url';
import { clientCredentials } from '@pkce-auth/core';

/**
 * @typedef {object} ExportOptions
 * @property {string} [issuer]
 * @property {string} [apiUrl]
 * @property {string} [audience]   resource indicator (RFC 8707) of the notes API; '' sends none
 * @property {string} [clientId]
 * @property {string} [clientSecret]
 * @property {string} [scope]
 * @property {typeof fetch} [fetch]
 */

/**
 * @typedef {object} NotesExport
 * @property {string} exportedAt
 * @property {number} total
 * @property {Array<{ sub: string, count: number, notes: Array<{ id: string, text: string, createdAt: string }> }>} users
 */

/**
 * Runs the export once and returns what the API sent.
 * @param {ExportOptions} [options]
 * @returns {Promise<NotesExport>}
 */
export async function main(options = {}) {
  const env = process.env;
  const issuer = options.issuer ?? env.AUTH_ISSUER ?? 'http://127.0.0.1:4000';
  const apiUrl = (options.apiUrl ?? env.NOTES_API_URL ?? 'http://127.0.0.1:4001').replace(/\/+$/, '');
  const audience = options.audience ?? env.NOTES_API_AUDIENCE ?? 'http://localhost:4001';
  const doFetch = options.fetch ?? globalThis.fetch;

  const tokens = await clientCredentials({
    issuer,
    clientId: options.clientId ?? env.EXPORT_CLIENT_ID ?? 'notes-machine',
    clientSecret: options.clientSecret ?? env.EXPORT_CLIENT_SECRET ?? 'notes-machine-secret',
    authMethod: 'client_secret_basic',
    scope: options.scope ?? env.EXPORT_SCOPE ?? 'notes:export',
    ...(audience ? { params: { resource: audience } } : {}),
    fetch: doFetch,
  });

  const res = await doFetch(`${apiUrl}/notes/export`, {
    headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' },
  });
  if (!res.ok) {
    const challenge = res.headers.get('www-authenticate');
    throw new Error(`the notes API answered HTTP ${res.status}${challenge ? ` (${challenge})` : ''}: ${await res.text()}`);
  }
  return /** @type {NotesExport} */ (await res.json());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (result) => {
      console.log(`Exported ${result.total} note(s) of ${result.users.length} person(s) at ${result.exportedAt}`);
      for (const user of result.users) {
        console.log(`  ${user.sub}: ${user.count}`);
        for (const note of user.notes) console.log(`    - ${note.text.replace(/\s+/g, ' ').slice(0, 80)}`);
      }
    },
    (err) => {
      console.error(`export-notes: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
