// The Notes API: the example's Resource Server. It accepts only access tokens issued by the
// authorization server for it (a JWT checked with `jose` against the issuer's JWKS, its issuer,
// audience and lifetime) and enforces the scopes `notes:read` / `notes:write` on a person's own
// notes (the token's `sub`), and `notes:export` plus an allow-listed client on the export of all.
// DPoP (RFC 9449): a token bound to a key (`cnf.jkt`) is accepted only as `Authorization: DPoP` with a
// proof signed by that key for this method and URL, carrying this API's current nonce and an unused jti.
// The token checks are accessTokens.mjs, the HTTP around them resourceServer.mjs (shared with the tags API).
// Plain ESM + JSDoc so `node` runs it without a build step; types in notesApi.d.mts.
import { randomUUID } from 'node:crypto';
import { HttpError, personOf, requireScope } from './accessTokens.mjs';
import { pathAndMethod, readJson, send, startResourceServer } from './resourceServer.mjs';

export { DPOP_ALGS } from './accessTokens.mjs';

/** @typedef {import('./notesApi.d.mts').NotesApiOptions} NotesApiOptions */
/** @typedef {import('./notesApi.d.mts').NotesApi} NotesApi */
/** @typedef {import('./notesApi.d.mts').Note} Note */
/** @typedef {import('./accessTokens.d.mts').Caller} Caller */

const MAX_TEXT = 1000;
const MAX_BODY = 16 * 1024;

/**
 * Starts the Notes API.
 * @param {NotesApiOptions} options
 * @returns {Promise<NotesApi>}
 */
export async function createNotesApi(options) {
  const issuer = options?.issuer;
  const audience = options?.audience === undefined ? 'http://localhost:4001' : options.audience;
  const readScope = options?.readScope ?? 'notes:read';
  const writeScope = options?.writeScope ?? 'notes:write';
  const exportScope = options?.exportScope ?? 'notes:export';
  const exportClients = new Set(options?.exportClients ?? ['notes-machine']);

  /** @type {Map<string, Note[]>} notes per `sub` */
  const notesBySub = new Map();

  /** @param {Caller} who */
  const personOfNotes = (who) => personOf(who, 'personal notes');

  /**
   * The export of everyone's notes is for the allow-listed clients only (`client_id` / `azp`).
   * @param {{ clientId: string | undefined }} who
   */
  const requireExportClient = (who) => {
    if (who.clientId && exportClients.has(who.clientId)) return;
    throw new HttpError(403, 'client_not_allowed', `the client ${who.clientId ?? '(none named in the token)'} is not allowed to export notes`);
  };

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {import('./accessTokens.d.mts').AccessTokenVerifier} tokens
   */
  async function route(req, res, tokens) {
    const { path, method } = pathAndMethod(req);

    if (path === '/') {
      return send(res, 200, { name: 'notes API', issuer, audience, scopes: [readScope, writeScope, exportScope] });
    }
    if (path === '/notes') {
      if (method === 'GET') {
        const who = await tokens.authenticate(req);
        requireScope(who, readScope);
        return send(res, 200, { notes: notesBySub.get(personOfNotes(who)) ?? [] });
      }
      if (method === 'POST') {
        const who = await tokens.authenticate(req);
        requireScope(who, writeScope);
        const sub = personOfNotes(who);
        const body = /** @type {{ text?: unknown } | null} */ (await readJson(req, MAX_BODY));
        const text = body && typeof body === 'object' ? body.text : undefined;
        if (typeof text !== 'string' || text.trim().length === 0 || text.length > MAX_TEXT) {
          throw new HttpError(400, 'invalid_note', `\`text\` must be a string of 1 to ${MAX_TEXT} characters`);
        }
        /** @type {Note} */
        const note = { id: randomUUID(), text, createdAt: new Date().toISOString() };
        const list = notesBySub.get(sub) ?? [];
        list.push(note);
        notesBySub.set(sub, list);
        return send(res, 201, { note }, { Location: `/notes/${note.id}` });
      }
      throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on /notes`, { Allow: 'GET, POST, OPTIONS' });
    }
    if (path === '/notes/export') {
      if (method !== 'GET') throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on /notes/export`, { Allow: 'GET, OPTIONS' });
      const who = await tokens.authenticate(req);
      requireScope(who, exportScope);
      requireExportClient(who);
      const users = [...notesBySub].map(([sub, notes]) => ({ sub, count: notes.length, notes }));
      return send(res, 200, { exportedAt: new Date().toISOString(), total: users.reduce((n, u) => n + u.count, 0), users });
    }
    const one = /^\/notes\/([^/]+)$/.exec(path);
    if (one?.[1]) {
      if (method !== 'DELETE') throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on /notes/:id`, { Allow: 'DELETE, OPTIONS' });
      const who = await tokens.authenticate(req);
      requireScope(who, writeScope);
      const list = notesBySub.get(personOfNotes(who)) ?? [];
      const index = list.findIndex((n) => n.id === one[1]);
      if (index === -1) throw new HttpError(404, 'not_found', 'no such note');
      list.splice(index, 1);
      res.statusCode = 204;
      return res.end();
    }
    throw new HttpError(404, 'not_found', `no route for ${method} ${path}`);
  }

  return startResourceServer(
    { ...options, audience },
    { factory: 'createNotesApi', name: 'notes API', defaultPort: 4001, methods: ['GET', 'POST', 'DELETE'], exposeHeaders: ['Location'], route },
  );
}
