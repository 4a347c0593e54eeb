import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A request handler for the app built into `root` (Vite's output directory): GET and HEAD only
 * (else 405); a file under `root` as it is (hashed assets cached as immutable, the rest
 * revalidated); a missing asset (a path with an extension) 404; a path that is not valid
 * percent-encoding 400; any other path `index.html`, the app's client-side routes. Paths that
 * climb out of `root` get `index.html`, never a file outside it.
 */
export function appFiles(root: string): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
