import { useEffect, useState, type FormEvent } from 'react';
import { createNote, deleteNote, listNotes, type Note } from '../api';
import { TagsCard } from '../components/TagsCard';
import { TokenPanel } from '../components/TokenPanel';
import { config } from '../config';
import { describeError } from '../format';

export function NotesPage() {
  const [notes, setNotes] = useState<Note[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);

  useEffect(() => {
    // StrictMode mounts twice in development: the first request is aborted, not raced.
    const controller = new AbortController();
    listNotes(controller.signal).then(setNotes, (failure: unknown) => {
      if (!controller.signal.aborted) setError(failure);
    });
    return () => controller.abort();
  }, []);

  const onAdd = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed) return;
    setAdding(true);
    setError(null);
    try {
      const note = await createNote(trimmed);
      setNotes((current) => [...(current ?? []), note]);
      setText('');
    } catch (failure) {
      setError(failure);
    } finally {
      setAdding(false);
    }
  };

  const onDelete = async (id: string) => {
    setDeleting(id);
    setError(null);
    try {
      await deleteNote(id);
      setNotes((current) => current?.filter((note) => note.id !== id) ?? null);
    } catch (failure) {
      setError(failure);
    } finally {
      setDeleting(null);
    }
  };

  return (
    <div className="stack" data-testid="notes-page">
      <section className="card">
        <h1>Your notes</h1>

        <form className="note-form" onSubmit={(event) => void onAdd(event)}>
          <label htmlFor="note-input">New note</label>
          <textarea
            id="note-input"
            data-testid="note-input"
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              // Ctrl/Cmd+Enter adds the note, as in most note apps.
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) event.currentTarget.form?.requestSubmit();
            }}
            rows={3}
            maxLength={2000}
            placeholder="Write something…"
          />
          <div className="actions">
            <button type="submit" className="button primary" disabled={adding || !text.trim()} data-testid="add-note">
              {adding ? 'Adding…' : 'Add note'}
            </button>
          </div>
        </form>

        {error !== null && <NotesError error={error} />}

        {notes === null ? (
          error === null && (
            <p className="muted" data-testid="notes-loading" role="status">
              Loading notes…
            </p>
          )
        ) : (
          <>
            {notes.length === 0 && (
              <p className="muted" data-testid="notes-empty">
                No notes yet. Add the first one above.
              </p>
            )}
            <ul className="notes" data-testid="notes-list">
              {notes.map((note) => (
                <li key={note.id} className="note" data-testid="note-item" data-note-id={note.id}>
                  <div className="note-body">
                    <p className="note-text">{note.text}</p>
                    <time className="note-date" dateTime={note.createdAt}>
                      {formatDate(note.createdAt)}
                    </time>
                  </div>
                  <button
                    type="button"
                    className="button danger small"
                    onClick={() => void onDelete(note.id)}
                    disabled={deleting === note.id}
                    data-testid="delete-note"
                    aria-label={`Delete note: ${note.text.slice(0, 40)}`}
                  >
                    Delete
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <TokenPanel />

      {config.tagsApiUrl && <TagsCard />}
    </div>
  );
}

function NotesError({ error }: { error: unknown }) {
  const { code, message } = describeError(error);
  return (
    <p className="banner error" role="alert" data-testid="notes-error">
      <code className="error-code">{code}</code> {message}
    </p>
  );
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
