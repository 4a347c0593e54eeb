import type { ResourceServer, ResourceServerOptions } from './resourceServer.mjs';

/** Options of {@link createTagsApi}: those of every example resource server, its audience, scope and tags. */
export interface TagsApiOptions extends ResourceServerOptions {
  /** The expected `aud` of access tokens (the dev server's `tagsResource`). Default `'http://localhost:4002'`; `null` skips the check. */
  audience?: string | null;
  /** Port; `0` picks a free one. Default `4002`. */
  port?: number;
  /** Scope needed to list tags. Default `'tags:read'`. */
  scope?: string;
  /** The tags of each person (by `sub`). Default {@link DEFAULT_TAGS}. */
  tags?: Readonly<Record<string, readonly string[]>>;
}

/** The tags of the dev server's accounts: `demo-user` and `alice-user`. */
export const DEFAULT_TAGS: Readonly<Record<string, readonly string[]>>;

/** A running Tags API. */
export type TagsApi = ResourceServer;

/**
 * Starts the Tags API: `GET /tags` answers `{ tags: string[] }`, the tags of the person the token
 * speaks for (`sub`; none for an unknown one), with the scope `tags:read` (else 403
 * `insufficient_scope`) and `aud` equal to `audience` (else 401 `invalid_token` naming the audience
 * this API takes: a notes API token is refused). Bearer and DPoP-bound tokens are checked as by the
 * notes API: a bound token only as `Authorization: DPoP` with a proof for this API's URL
 * (`publicOrigin` + `/tags`), its nonce (`DPoP-Nonce`) and an unused jti.
 */
export function createTagsApi(options: TagsApiOptions): Promise<TagsApi>;
