import { isAuthError } from '@pkce-auth/core';
import { StoreError } from './store.js';

/**
 * A refusal with its HTTP status: the router turns it into `{ error, message }` JSON. `headers`
 * travel with it (a cookie to clear, `Allow` on a 405).
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly error: string;
  readonly headers: Headers;

  constructor(status: number, error: string, message: string, headers?: HeadersInit) {
    super(message);
    this.status = status;
    this.error = error;
    this.headers = new Headers(headers);
  }
}

/** Headers every BFF answer carries: nothing in it may be cached or sniffed. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache', 'x-content-type-options': 'nosniff' };

/** A JSON response that no cache keeps. */
export function json(status: number, body: unknown, headers?: HeadersInit): Response {
  const out = new Headers(headers);
  out.set('content-type', 'application/json; charset=utf-8');
  for (const [name, value] of Object.entries(NO_STORE)) out.set(name, value);
  return new Response(JSON.stringify(body), { status, headers: out });
}

/** The answer for an API that could not be reached: which API, not the cause (it may name internals). */
export function unreachable(target: URL): Response {
  return json(502, { error: 'bad_gateway', message: `the API at ${target.origin} could not be reached` });
}

/** A redirect (302 or 303) that no cache keeps. */
export function redirect(status: 302 | 303, location: string, headers?: HeadersInit): Response {
  const out = new Headers(headers);
  out.set('location', location);
  for (const [name, value] of Object.entries(NO_STORE)) out.set(name, value);
  return new Response(null, { status, headers: out });
}

/** An empty 200 that no cache keeps (back-channel logout's success). */
export function ok(): Response {
  return new Response(null, { status: 200, headers: NO_STORE });
}

/**
 * The response for a failure: an {@link HttpError} as it says; a {@link StoreError} (the session
 * store unreachable or too slow) as 503 with `Retry-After`; an AuthError the authorization
 * server caused (unreachable, 5xx, broken discovery) as 502; anything else as a 500. The 503 and
 * 500 say nothing of their cause, which goes to `report`.
 */
export function errorResponse(error: unknown, report: (error: unknown) => void): Response {
  if (error instanceof HttpError) return json(error.status, { error: error.error, message: error.message }, error.headers);
  if (error instanceof StoreError) {
    report(error);
    return json(503, { error: 'store_unavailable', message: 'the session store is unavailable; try again shortly' }, { 'retry-after': '1' });
  }
  if (isAuthError(error, 'network_error') || isAuthError(error, 'discovery_failed') || isAuthError(error, 'issuer_mismatch')) {
    return json(502, { error: error.code, message: error.message });
  }
  report(error);
  return json(500, { error: 'server_error', message: 'the BFF failed unexpectedly; try again later' });
}
