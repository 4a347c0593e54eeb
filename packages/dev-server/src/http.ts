/** Plain-HTTP helpers of the interaction pages, and the anti-framing headers of every HTML page. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * Forbids framing a page (clickjacking): set on every HTML response, both oidc-provider's
 * (a middleware) and the interaction pages' ({@link sendHtml}).
 */
const NO_FRAMING = { 'X-Frame-Options': 'DENY', 'Content-Security-Policy': "frame-ancestors 'none'" } as const;

function forbidFraming(setHeader: (name: string, value: string) => void): void {
  for (const [name, value] of Object.entries(NO_FRAMING)) setHeader(name, value);
}

/** The koa middleware, for `provider.use`, that forbids framing oidc-provider's HTML responses. */
export async function forbidFramingOfHtml(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  await next();
  if (ctx.response.is('html')) forbidFraming((name, value) => ctx.set(name, value));
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  forbidFraming((name, value) => res.setHeader(name, value));
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.statusCode = 303;
  res.setHeader('Location', location);
  res.setHeader('Cache-Control', 'no-store');
  res.end();
}

export async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The request's path, without its query. */
export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}
