import { useEffect, useRef, useState } from 'react';
import { listTags } from '../api';
import { TAGS_SCOPE } from '../auth';
import { config } from '../config';
import { describeError } from '../format';

type TagsState = { status: 'idle' | 'loading' } | { status: 'loaded'; tags: string[] } | { status: 'failed'; error: unknown };

/**
 * The person's tags from the tags API, a second Resource Server: `auth.fetch` sends it a token of
 * its own (audience `config.tagsResource`, scope `tags:read`), not the notes API's; in BFF mode the
 * BFF does so, at `/api/tags`. Loaded when asked for, so opening the notes page costs no token
 * request for the tags API.
 */
export function TagsCard() {
  const [state, setState] = useState<TagsState>({ status: 'idle' });
  const pending = useRef<AbortController | null>(null);

  // A request still running when the card goes away is aborted, and its answer dropped.
  useEffect(() => () => pending.current?.abort(), []);

  const load = async () => {
    pending.current?.abort();
    const controller = new AbortController();
    pending.current = controller;
    setState({ status: 'loading' });
    try {
      const tags = await listTags(controller.signal);
      if (!controller.signal.aborted) setState({ status: 'loaded', tags });
    } catch (error) {
      if (!controller.signal.aborted) setState({ status: 'failed', error });
    }
  };

  return (
    <section className="card" data-testid="tags-card" aria-labelledby="tags-card-title">
      <h2 id="tags-card-title">Your tags</h2>
      {config.authMode === 'bff' ? (
        <p className="muted">
          From the tags API through the BFF, at <code>{config.tagsApiUrl}/tags</code>: the BFF calls it with an access token of
          its own (audience <code>{config.tagsResource}</code>, scope <code>{TAGS_SCOPE}</code>), which stays on the server.
        </p>
      ) : (
        <p className="muted">
          From the tags API at <code>{config.tagsApiUrl}</code>, with an access token of its own: audience{' '}
          <code>{config.tagsResource}</code>, scope <code>{TAGS_SCOPE}</code>.
        </p>
      )}
      {state.status === 'failed' && <TagsError error={state.error} />}
      {state.status === 'loading' && (
        <p className="muted" data-testid="tags-loading" role="status">
          Loading tags…
        </p>
      )}
      {state.status === 'loaded' && (
        <>
          <ul className="scopes" data-testid="tags-list">
            {state.tags.map((tag) => (
              <li key={tag} data-testid="tag-item">
                <code>{tag}</code>
              </li>
            ))}
          </ul>
          {state.tags.length === 0 && (
            <p className="muted" data-testid="tags-empty">
              No tags yet.
            </p>
          )}
        </>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={() => void load()} disabled={state.status === 'loading'} data-testid="load-tags">
          {state.status === 'idle' ? 'Load tags' : 'Reload tags'}
        </button>
      </div>
    </section>
  );
}

function TagsError({ error }: { error: unknown }) {
  const { code, message } = describeError(error);
  return (
    <p className="banner error" role="alert" data-testid="tags-error">
      <code className="error-code">{code}</code> {message}
    </p>
  );
}
