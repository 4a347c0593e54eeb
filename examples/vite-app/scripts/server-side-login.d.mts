export interface WebAppOptions {
  /** Default `AUTH_ISSUER` or `http://127.0.0.1:4000`. */
  issuer?: string;
  /** Default `WEB_PORT` or 5174; the redirect URI `<url>/callback` must be registered. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default `WEB_CLIENT_ID` or `notes-web`. */
  clientId?: string;
  /** Default `WEB_CLIENT_SECRET` or `notes-web-secret`. */
  clientSecret?: string;
  /** Default `openid profile email`. */
  scope?: string;
}

export interface WebApp {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts the confidential server-side login app (`/`, `/login`, `/callback`, `/logout`). */
export function startServerSideLogin(options?: WebAppOptions): Promise<WebApp>;
