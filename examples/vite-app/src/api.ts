/**
 * The notes API and the tags API (the Resource Servers). Every call goes through `auth.fetch`,
 * which picks the token of the API the URL is under (`apis` in auth.ts: the session's token for
 * the notes API, a token of its own for the tags API), sends it as `Authorization: Bearer …` or,
 * with DPoP, `Authorization: DPoP …` with a proof (retrying once with the API's `DPoP-Nonce`),
 * refreshes a due token first, and on a 401 refreshes once and retries. Each API checks the
 * token's signature, audience and scope (`notes:read` to list notes, `notes:write` to add or
 * delete them, `tags:read` to list tags). In BFF mode both base URLs are `<origin>/api` and
 * `auth.fetch` (createBffClient) sends no token: the BFF on this origin forwards `/api/notes…` and
 * `/api/tags` to the APIs with the token it holds, and refreshes it.
 */
import { auth, TAGS_SCOPE } from './auth';
import { config } from './config';

export interface Note {
  id: string;
  text: string;
  /** ISO 8601 timestamp. */
  createdAt: string;
}

/** A non-2xx answer from the notes API (or the tags API). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Lists the signed-in person's notes (needs `notes:read`). */
export async function listNotes(signal?: AbortSignal): Promise<Note[]> {
  const response = await request('GET', '/notes', undefined, signal);
  return parseNoteList(await response.json());
}

/** Adds a note (needs `notes:write`). */
export async function createNote(text: string): Promise<Note> {
  const response = await request('POST', '/notes', { text });
  const body: unknown = await response.json();
  if (!isRecord(body)) throw new Error('notes API: POST /notes answered with something that is not a JSON object');
  return parseNote(body.note, 'POST /notes `note`');
}

/** Deletes a note (needs `notes:write`). */
export async function deleteNote(id: string): Promise<void> {
  await request('DELETE', `/notes/${encodeURIComponent(id)}`);
}

/** Lists the signed-in person's tags from the tags API (needs its own token, with `tags:read`). */
export async function listTags(signal?: AbortSignal): Promise<string[]> {
  if (!config.tagsApiUrl) throw new Error('the tags API is off (VITE_TAGS_API_URL is empty)');
  const init: RequestInit = { headers: { Accept: 'application/json' } };
  if (signal) init.signal = signal;
  let response: Response;
  try {
    response = await auth.fetch(`${config.tagsApiUrl}/tags`, init);
  } catch (error) {
    // fetch's own TypeError ("Failed to fetch") says nothing of where: name the API. AuthErrors pass through.
    if (error instanceof TypeError && !signal?.aborted) {
      throw new Error(`GET /tags: the tags API at ${config.tagsApiUrl} cannot be reached (${error.message}); is it running, and does it allow this origin (CORS)?`, { cause: error });
    }
    throw error;
  }
  if (!response.ok) throw await toError('GET', '/tags', response, TAGS_SCOPE);
  return parseTagList(await response.json());
}

/** Parses `GET /tags`: `{ tags: string[] }`. */
export function parseTagList(body: unknown): string[] {
  if (!isRecord(body) || !Array.isArray(body.tags) || !body.tags.every((tag) => typeof tag === 'string')) {
    throw new Error('tags API: GET /tags must answer `{ tags: [string, ...] }`');
  }
  return body.tags;
}

/** Parses `GET /notes`: `{ notes: [{ id, text, createdAt }] }`. The one place that knows the shape. */
export function parseNoteList(body: unknown): Note[] {
  if (!isRecord(body) || !Array.isArray(body.notes)) {
    throw new Error('notes API: GET /notes must answer `{ notes: [...] }`');
  }
  return body.notes.map((note, index) => parseNote(note, `GET /notes \`notes[${index}]\``));
}

function parseNote(value: unknown, where: string): Note {
  if (!isRecord(value)) throw new Error(`notes API: ${where} must be an object`);
  const { id, text, createdAt } = value;
  if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`notes API: ${where}.id must be a string`);
  if (typeof text !== 'string') throw new Error(`notes API: ${where}.text must be a string`);
  if (typeof createdAt !== 'string') throw new Error(`notes API: ${where}.createdAt must be a string`);
  return { id: String(id), text, createdAt };
}

async function request(method: string, path: string, json?: unknown, signal?: AbortSignal): Promise<Response> {
  const init: RequestInit = { method, headers: { Accept: 'application/json' } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  }
  if (signal) init.signal = signal;
  const response = await auth.fetch(`${config.notesApiUrl}${path}`, init);
  if (!response.ok) throw await toError(method, path, response, 'notes:read or notes:write');
  return response;
}

/**
 * Builds an error that says what failed and why: the status and whatever the API explained.
 * `scopes` names what a 403 most likely lacks.
 */
async function toError(method: string, path: string, response: Response, scopes: string): Promise<ApiError> {
  let detail = '';
  try {
    const text = await response.text();
    try {
      const body: unknown = JSON.parse(text);
      if (isRecord(body)) {
        detail = [body.error, body.error_description ?? body.message]
          .filter((part): part is string => typeof part === 'string' && part !== '')
          .join(': ');
      }
    } catch {
      detail = text.slice(0, 200);
    }
  } catch {
    // The body could not be read; the status alone still says what happened.
  }
  // RFC 6750 §3: a Bearer challenge names the problem (e.g. insufficient_scope) when CORS exposes it.
  const challenge = response.headers.get('WWW-Authenticate');
  if (!detail && challenge) detail = challenge;
  const hint =
    response.status === 401
      ? ' (the access token was refused; try signing in again)'
      : response.status === 403
        ? ` (the access token lacks the scope this needs: ${scopes})`
        : '';
  const statusText = response.statusText ? ` ${response.statusText}` : '';
  return new ApiError(
    response.status,
    `${method} ${path} failed with HTTP ${response.status}${statusText}${detail ? `: ${detail}` : ''}${hint}`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
