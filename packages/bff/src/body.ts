import { HttpError } from './responses.js';

/**
 * The request body as text, read up to `maxBytes`: a longer one (by `Content-Length` or as it
 * streams in) is refused before it is buffered.
 *
 * @throws HttpError 413 `payload_too_large`.
 */
export async function readText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new HttpError(413, 'payload_too_large', `the request body is over ${maxBytes} bytes`);
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
