import type { Bff, BffOptions, SessionStore } from '@pkce-auth/bff';

/** What {@link notesBffOptions} needs: the BFF's client, its origin and secret, and the two APIs. */
export interface NotesBffSettings {
  /** The authorization server. */
  issuer: string;
  /** The BFF's confidential client (the dev server's `notes-bff`). */
  clientId: string;
  clientSecret: string;
  /** The app's origin, where this server listens and the browser goes (`http://localhost:5173`). */
  baseUrl: string;
  /** At least 32 bytes: the key of the session store and cookies. */
  secret: string | Uint8Array;
  /** The notes API's origin; `/api/notes…` goes to `<notesApiUrl>/notes…`. */
  notesApiUrl: string;
  /** The tags API's origin, or null for none; `/api/tags` goes to `<tagsApiUrl>/tags`. */
  tagsApiUrl?: string | null;
  /** The tags API's resource indicator (its tokens' `aud`); required with `tagsApiUrl`. */
  tagsResource?: string;
  /** Default {@link NOTES_BFF_SCOPE}, plus `tags:read` with a tags API. */
  scope?: string;
  authorizeParams?: Record<string, string>;
  store?: SessionStore;
  onError?: (error: unknown) => void;
}

/** The paths the app calls in BFF mode and the BFF forwards: `/api/notes` and `/api/tags`. */
export const API_PATHS: Readonly<{ notes: '/api/notes'; tags: '/api/tags' }>;

/** `openid profile email offline_access notes:read notes:write`. */
export const NOTES_BFF_SCOPE: string;

/**
 * The `createBff` options of the Notes app: `/api/notes/5?x=1` → `<notesApiUrl>/notes/5?x=1` with
 * the session's access token; `/api/tags` → `<tagsApiUrl>/tags` with a token for `tagsResource`.
 */
export function notesBffOptions(settings: NotesBffSettings): BffOptions;

/** `clients` with `clientId`'s back-channel logout URI at `<baseUrl>/bff/backchannel-logout`. */
export function withBackchannelLogoutAt<T extends { client_id?: unknown }>(clients: T[], clientId: string, baseUrl: string): T[];

/** The app's server in BFF mode. */
export interface BffAppServer {
  /** `http://<host>:<port>`: the BFF's `baseUrl`. */
  origin: string;
  port: number;
  /** From now on: the BFF's paths to `bff.node`, every other one to the app built in `root` (SPA fallback). Until then 503. */
  serve(app: { root: string; bff: Bff }): void;
  /** Closes the server and its connections, then the BFF's store (`bff.close()`). */
  stop(): Promise<void>;
}

/** Starts listening (default `localhost:5173`); answers 503 until {@link BffAppServer.serve}. */
export function startBffAppServer(options?: { port?: number; host?: string; log?: (message: string) => void }): Promise<BffAppServer>;

