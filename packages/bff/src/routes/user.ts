import type { BffConfig } from '../options.js';
import { requireSession } from '../requestSession.js';
import { json } from '../responses.js';

/** `GET /bff/user` (CSRF header): `200 { user, expiresAt }` (the session's end, epoch ms), or 401 without a session. */
export async function user(config: BffConfig, request: Request): Promise<Response> {
  const { data } = await requireSession(config, request);
  return json(200, { user: data.user, expiresAt: data.expiresAt });
}
