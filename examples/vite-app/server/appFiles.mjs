// Serving the built Notes app (Vite's output directory) as a static host would: its files, and
// index.html for every other path (the app's client-side routes: /notes, /profile…). Used by the
// BFF mode's server (bffServer.mjs, `pnpm dev:bff`) and the end-to-end tests' static server.
// Plain ESM + JSDoc so `node` runs it without a build step; types in appFiles.d.mts.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** @type {Record<string, string>} */
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * @param {import('node:http').ServerResponse} res
 * @param {string} file
 * @param {string} method
 */
async function sendFile(res, file, method) {
  const info = await stat(file);
  res.statusCode = 200;
  res.setHeader('Content-Type', MIME[extname(file).toLowerCase()] ?? 'application/octet-stream');
  res.setHeader('Content-Length', String(info.size));
  // Hashed assets are immutable; the HTML shell is revalidated, as a real host would do.
  res.setHeader('Cache-Control', file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(file), res).catch((error) => {
    // The browser went away mid-file (it navigated on): nothing left to answer.
    if (res.destroyed) return;
    throw error;
  });
}

/**
 * A request handler for the app built into `root`: GET and HEAD only (else 405); a file under
 * `root` as it is; a missing asset (a path with an extension) 404; a path that is not valid
 * percent-encoding 400; any other path index.html.
 * Paths that climb out of `root` get index.html, never a file outside it.
 * @param {string} root
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>}
 */
export function appFiles(root) {
  const dir = resolve(root);
  return async (req, res) => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('Allow', 'GET, HEAD');
      res.end();
      return;
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://app.invalid').pathname);
    } catch {
      res.statusCode = 400;
      res.end('malformed path');
      return;
    }
    const candidate = normalize(join(dir, path));
    if (candidate === dir || candidate.startsWith(dir + sep)) {
      const info = await stat(candidate).catch(() => undefined);
      if (info?.isFile()) return sendFile(res, candidate, method);
    }
    // A missing asset is a 404; any other path is a client-side route: the SPA shell.
    if (extname(path) !== '' && !path.endsWith('.html')) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    return sendFile(res, join(dir, 'index.html'), method);
  };
}
