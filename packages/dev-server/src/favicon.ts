/** The dev server's icon, served so that browsers showing its pages do not log a 404 for `/favicon.ico`. */
import type { ServerResponse } from 'node:http';

/** Where the pages link their icon. */
export const FAVICON_PATH = '/favicon.svg';

/** The paths the icon is served at: the linked one and the one browsers ask for by themselves. */
export const FAVICON_PATHS: ReadonlySet<string> = new Set([FAVICON_PATH, '/favicon.ico']);

/** A key on a blue square. */
const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#3451b2"/><circle cx="12" cy="16" r="5" fill="none" stroke="#fff" stroke-width="3"/><path d="M17 16h10m-3 0v4" stroke="#fff" stroke-width="3" fill="none"/></svg>`;

/** Answers a favicon request (any method: the body is sent for GET only). */
export function sendFavicon(res: ServerResponse, method: string | undefined): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'image/svg+xml');
  res.setHeader('Cache-Control', 'public, max-age=86400');
  res.end(method === 'HEAD' ? undefined : FAVICON_SVG);
}
