import { HttpError } from './responses.js';

/**
 * Requires `X-CSRF: 1`. A cross-site page cannot send a custom header without a CORS preflight,
 * which the BFF never grants, so its presence proves the request came from the app's own pages.
 *
 * @throws HttpError 403 `csrf_required`.
 */
export function requireCsrfHeader(request: Request): void {
  if (request.headers.get('x-csrf') !== '1') {
    throw new HttpError(403, 'csrf_required', 'this request needs the header X-CSRF: 1 (createBffClient sends it)');
  }
}
