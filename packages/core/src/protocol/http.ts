import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import { isLoopback } from '../url.js';

/** Request-level options shared by every call to the authorization server. */
export interface RequestContext {
  /** Custom fetch; default `globalThis.fetch`, looked up at call time. */
  fetch?: typeof fetch | undefined;
  /** Per-request timeout in milliseconds. Default 30 000. */
  timeoutMs?: number | undefined;
}

/** The options oauth4webapi takes for one request to `url`. */
export function httpOptions<M extends string = 'POST', B = URLSearchParams>(url: string | URL, ctx: RequestContext = {}): oauth.HttpRequestOptions<M, B> {
  return {
    [oauth.customFetch]: async (input, init) => {
      // Our own timeout, cleared when the response arrives, so no timer outlives its request.
      const controller = new AbortController();
      const timeout = setTimeout(() => controller.abort(new DOMException('the request timed out', 'TimeoutError')), ctx.timeoutMs ?? 30_000);
      try {
        // Looked up per call so a fetch patched later (test doubles, service workers) is used.
        return await (ctx.fetch ?? globalThis.fetch)(input, { ...(init as RequestInit), signal: controller.signal });
      } finally {
        clearTimeout(timeout);
      }
    },
    // Plain http only where parseSecureUrl allows it: loopback hosts.
    [oauth.allowInsecureRequests]: isLoopback(new URL(url)),
  };
}

/** Sends a request built by `send`; a failure to get any response becomes an AuthError about `what`. */
export async function request(send: () => Promise<Response>, what: string): Promise<Response> {
  try {
    return await send();
  } catch (cause) {
    throw requestError(cause, `could not reach ${what}`);
  }
}

/** Maps a failure to send a request (network, timeout, refused protocol) to an AuthError. */
export function requestError(cause: unknown, what: string): AuthError {
  if (cause instanceof AuthError) return cause;
  if (cause instanceof oauth.OperationProcessingError || cause instanceof oauth.UnsupportedOperationError) {
    return new AuthError('invalid_config', `${what}: ${cause.message}`, { cause });
  }
  const timedOut = (cause as Error | undefined)?.name === 'TimeoutError';
  return new AuthError('network_error', `${what} (${timedOut ? 'timeout' : 'network error'}); is it up?`, { cause });
}
