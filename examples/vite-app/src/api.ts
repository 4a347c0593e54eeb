/**
 * The notes API (the Resource Server). Every call goes through `auth.fetch`, which adds
 * `Authorization: Bearer <access token>`, refreshes a due token first, and on a 401 refreshes
 * once and retries. The API checks the token's signature, audience and scope
 * (`notes:read` to list, `notes:write` to add or delete).
 */
import { auth } from './auth';
import { config } from './config';

export interface Note {
  id: string;
  text: string;
  /** ISO 8601 timestamp. */
  createdAt: string;
}

/** A non-2xx answer from the notes API. */
export class NotesApiError extends Error {
  override readonly name = 'NotesApiError';
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
  if (!response.ok) throw await toError(method, path, response);
  return response;
}

/** Builds an error that says what failed and why: the status and whatever the API explained. */
async function toError(method: string, path: string, response: Response): Promise<NotesApiError> {
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
        ? ' (the access token lacks the scope this needs: notes:read or notes:write)'
        : '';
  const statusText = response.statusText ? ` ${response.statusText}` : '';
  return new NotesApiError(
    response.status,
    `${method} ${path} failed with HTTP ${response.status}${statusText}${detail ? `: ${detail}` : ''}${hint}`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
