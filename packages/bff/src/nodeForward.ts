// The modules, not their functions: `http.request` is looked up at each call, as instrumentation
// (APM agents, MSW in tests) that patches it expects.
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import { browserResponseHeaders, rawHeaderPairs, type HeaderPair } from './headers.js';
import type { Forward } from './proxy.js';
import { json, unreachable } from './responses.js';

/** Makes authorised API calls for node:http requests, over keep-alive connections of its own. */
export interface NodeForwarder {
  /**
   * Streams `req`'s body to the API and the API's answer to `res` (status, headers cleaned,
   * bytes as sent: a compressed body stays compressed), no redirect followed. Resolves undefined
   * once it has answered, or to the answer for the adapter to write when the API could not be
   * reached (502) or did not answer in time (504).
   */
  forward(forward: Forward, req: IncomingMessage, res: ServerResponse): Promise<Response | undefined>;
  /** Closes the idle connections to the APIs (at shutdown). */
  close(): void;
}

/** As long as fetch (undici) waits for an API's headers or its next body chunk. */
export const UPSTREAM_TIMEOUT_MS = 300_000;

/** node's header object of pairs: a header sent twice becomes a list. */
function outgoing(pairs: readonly HeaderPair[]): OutgoingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const seen = out[name];
    out[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return out;
}

const timedOut = (target: URL): Response => json(504, { error: 'gateway_timeout', message: `the API at ${target.origin} did not answer in time` });

/** Creates the forwarder; `onError` hears why an API could not be reached (not when the browser itself went away). */
export function createNodeForwarder(onError: (error: unknown) => void, timeoutMs = UPSTREAM_TIMEOUT_MS): NodeForwarder {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const forward: NodeForwarder['forward'] = ({ method, target, headers }, req, res) =>
    new Promise((resolve) => {
      const secure = target.protocol === 'https:';
      const upstream = (secure ? https : http).request(target, { method, headers: outgoing(headers('passed-on')), agent: secure ? agents.https : agents.http });
      let clientLeft = false;
      let late = false;
      res.once('close', () => {
        if (res.writableFinished) return;
        clientLeft = true;
        upstream.destroy();
      });
      upstream.setTimeout(timeoutMs, () => {
        late = true;
        upstream.destroy(new Error(`the API at ${target.origin} sent nothing for ${timeoutMs} ms`));
      });
      upstream.once('response', (answer: IncomingMessage) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, outgoing(browserResponseHeaders(rawHeaderPairs(answer.rawHeaders), 'passed-on')));
        // pipe, not stream.pipeline: that aborts an AbortSignal of its own (a DOMException) per call.
        // A body cut off by the API ends the browser's too: nothing is left to tell it.
        answer.once('error', () => res.destroy());
        answer.once('aborted', () => res.destroy());
        res.once('close', () => resolve(undefined));
        answer.pipe(res);
      });
      upstream.once('error', (cause) => {
        if (res.headersSent || clientLeft) return void (res.destroy(), resolve(undefined));
        onError(cause);
        resolve(late ? timedOut(target) : unreachable(target));
      });
      // A browser that goes away mid-body closes res, which ends the upstream call (above).
      if (method === 'GET' || method === 'HEAD') upstream.end();
      else req.pipe(upstream);
    });
  return {
    forward,
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
