export interface ExportOptions {
  /** Default `AUTH_ISSUER` or `http://127.0.0.1:4000`. */
  issuer?: string;
  /** Default `NOTES_API_URL` or `http://127.0.0.1:4001`. */
  apiUrl?: string;
  /** RFC 8707 resource indicator of the notes API. Default `NOTES_API_AUDIENCE` or `http://localhost:4001`; `''` sends none. */
  audience?: string;
  /** Default `EXPORT_CLIENT_ID` or `notes-machine`. */
  clientId?: string;
  /** Default `EXPORT_CLIENT_SECRET` or `notes-machine-secret`. */
  clientSecret?: string;
  /** Default `EXPORT_SCOPE` or `notes:export`, the scope the notes API's export requires. */
  scope?: string;
  fetch?: typeof fetch;
}

export interface NotesExport {
  exportedAt: string;
  total: number;
  users: Array<{ sub: string; count: number; notes: Array<{ id: string; text: string; createdAt: string }> }>;
}

/** Gets a Client Credentials token and returns `GET /notes/export`. */
export function main(options?: ExportOptions): Promise<NotesExport>;
