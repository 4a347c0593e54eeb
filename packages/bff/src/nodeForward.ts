// The modules, not their functions: `http.request` is looked up at each call, as instrumentation
// (APM agents, MSW in tests) that patches it expects.
import http, { type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import { BODYLESS, browserResponseHeaders, rawHeaderPairs, type HeaderPair } from './headers.js';
import type { Forward } from './proxy.js';
import { errorResponse, json, unreachable } from './responses.js';

/** What the operator hears when a proxied body was read before the BFF saw it. */
const BODY_GONE = "a proxied request's body was already read before the BFF saw it: mount bff.node before any body parser";

/** Makes authorised API calls for node:http requests, over keep-alive connections of its own. */
export interface NodeForwarder {
  /**
   * Streams `req`'s body to the API and the API's answer to `res` (status, headers cleaned,
   * bytes as sent: a compressed body stays compressed), no redirect followed. Resolves undefined
   * once it has answered (or the browser went away), or to the answer for the adapter to write
   * when the API could not be reached (502) or did not answer in time (504).
   */
  forward(call: Forward, req: IncomingMessage, res: ServerResponse): Promise<Response | undefined>;
  /** Closes the connections to the APIs, cutting calls still in flight: call it once the server stopped taking requests. */
  close(): void;
}

/** Timeouts of the calls to the APIs. */
export interface ForwarderTimeouts {
  /** How long a call may be idle (no byte either way), as undici's header and body timeouts. Default 300 s. */
  idleMs?: number;
  /** How long connecting to an API may take, as undici's connect timeout. Default 10 s. */
  connectMs?: number;
}

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

/** Calls `fail` when the call's socket is still connecting after `ms` (node:http's own timeout starts only once connected). */
export function armConnectTimeout(upstream: ClientRequest, ms: number, fail: () => void): void {
  upstream.once('socket', (socket) => {
    if (!socket.connecting) return; // a kept-alive connection
    const timer = setTimeout(fail, ms);
    socket.once('connect', () => clearTimeout(timer));
    upstream.once('close', () => clearTimeout(timer));
  });
}

/** Sends the API's answer on to the browser; an answer cut off by the API ends the browser's too. */
function relay(answer: IncomingMessage, res: ServerResponse): void {
  res.writeHead(answer.statusCode ?? 502, answer.statusMessage, outgoing(browserResponseHeaders(rawHeaderPairs(answer.rawHeaders), 'node:http')));
  // pipe, not stream.pipeline: that aborts an AbortSignal of its own (a DOMException) per call.
  answer.once('error', () => res.destroy());
  answer.once('aborted', () => res.destroy());
  answer.pipe(res);
}

/**
 * Streams the browser's body to the API, with backpressure. node:http checks it against the
 * `Content-Length` it is sent with (strictContentLength, and it throws rather than emits): a body
 * of another length fails this call, never the next one on the kept-alive connection.
 */
function sendBody(req: IncomingMessage, upstream: ClientRequest): void {
  (upstream as ClientRequest & { strictContentLength: boolean }).strictContentLength = true; // Node ≥ 18.12; not in @types/node 20
  const guarded = (step: () => void): void => {
    try {
      step();
    } catch (error) {
      upstream.destroy(error as Error);
    }
  };
  req.on('data', (chunk: Buffer) => guarded(() => void (upstream.write(chunk) || req.pause())));
  upstream.on('drain', () => req.resume());
  req.once('end', () => guarded(() => upstream.end()));
}

/** What every call of one forwarder shares. */
interface ForwarderContext {
  agents: { http: http.Agent; https: https.Agent };
  onError: (error: unknown) => void;
  idleMs: number;
  connectMs: number;
}

/** Makes one authorised call and relays its answer; `settle` gets the answer the adapter must write, if any. */
function send(ctx: ForwarderContext, { method, target, headers }: Forward, req: IncomingMessage, res: ServerResponse, settle: (answer?: Response) => void): void {
  const secure = target.protocol === 'https:';
  const upstream = (secure ? https : http).request(target, { method, headers: outgoing(headers('node:http')), agent: secure ? ctx.agents.https : ctx.agents.http });
  let clientLeft = false;
  let late = false;
  res.once('close', () => {
    clientLeft = !res.writableFinished;
    if (clientLeft) upstream.destroy();
    settle();
  });
  const giveUp = (why: string) => () => {
    late = true;
    upstream.destroy(new Error(`the call to the API at ${target.origin} ${why}`));
  };
  upstream.setTimeout(ctx.idleMs, giveUp(`was idle for ${ctx.idleMs} ms`));
  armConnectTimeout(upstream, ctx.connectMs, giveUp(`could not connect within ${ctx.connectMs} ms`));
  upstream.once('response', (answer: IncomingMessage) => relay(answer, res));
  upstream.on('error', (cause) => {
    // The browser left, or the answer is on its way (a broken answer ends itself in relay()).
    if (clientLeft || res.headersSent) return;
    ctx.onError(cause);
    settle(late ? timedOut(target) : unreachable(target));
  });
  if (BODYLESS.includes(method)) upstream.end();
  else sendBody(req, upstream);
}

/** Creates the forwarder; `onError` hears why an API could not be reached (not when the browser itself went away). */
export function createNodeForwarder(onError: (error: unknown) => void, { idleMs = 300_000, connectMs = 10_000 }: ForwarderTimeouts = {}): NodeForwarder {
  const ctx: ForwarderContext = { agents: { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) }, onError, idleMs, connectMs };
  return {
    forward: (call, req, res) =>
      new Promise((resolve) => {
        // The browser went away while the call was being authorised (the session read, a refresh).
        if (res.destroyed || req.socket.destroyed) resolve(undefined);
        else if (!BODYLESS.includes(call.method) && req.readableEnded) resolve(errorResponse(new Error(BODY_GONE), onError));
        else send(ctx, call, req, res, resolve);
      }),
    close: () => {
      ctx.agents.http.destroy();
      ctx.agents.https.destroy();
    },
  };
}
