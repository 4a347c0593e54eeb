import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors.js';
import type { TokenPresenter } from './apiFetch.js';
import { indexedDbKeys, memoryKeys, type DpopKeyStore } from './dpopKeys.js';
import type { ClientConfig } from './options.js';
import { PENDING_TTL_MS } from './pendingLogins.js';
import { loginRequired } from './refreshRequest.js';
import { deleteKeysOfEndedSessions } from './dpopSessionKeys.js';
import type { Session } from './session.js';
import type { StoredSession } from './storedSession.js';

/**
 * DPoP (RFC 9449) for one client: a key per login, proofs on its requests, and the nonces each
 * server sent, remembered per origin by the key's oauth4webapi handle for the life of the page.
 * Loaded only by clients created with `dpop: true`.
 */
export interface Dpop {
  /** A new key for a login: the id its pending login keeps, and its thumbprint (`dpop_jkt`). */
  newKey(): Promise<{ id: string; jkt: string }>;
  /** Makes a login's key the session's key (kept until the session ends). Rejects when it is gone. */
  keep(id: string): Promise<void>;
  /** The handle of key `id`. Rejects `login_required` when the key is gone. */
  handle(id: string): Promise<oauth.DPoPHandle>;
  /** The handle a session's token requests are proven with. */
  sessionHandle(session: StoredSession): Promise<oauth.DPoPHandle>;
  discard(id: string): Promise<void>;
  /** Deletes the keys of sessions that end (see `dpopSessionKeys.ts`); `settled` waits for the deletions. */
  track(session: Session, onError: (error: AuthError) => void): { stop(): void; settled(): Promise<void> };
  /**
   * Presents the session's tokens to APIs: `Authorization: DPoP …` and a proof (with the last
   * nonce the API's origin sent), retried once on the API's `use_dpop_nonce`.
   */
  presenter(session: Session): TokenPresenter;
}

/** The key store, checked when first needed (so a server render of the app does not fail). */
function keyStore(config: ClientConfig): DpopKeyStore {
  if (!globalThis.crypto?.subtle) throw new AuthError('invalid_config', '`dpop` needs WebCrypto (crypto.subtle): serve the app over https or from localhost');
  if (config.storage.memory) return memoryKeys();
  if (!globalThis.indexedDB) throw new AuthError('invalid_config', "`dpop` needs IndexedDB to keep its key across reloads; use storage: 'memory' where there is none");
  return indexedDbKeys();
}

type SendOptions = Pick<oauth.ProtectedResourceRequestOptions, typeof oauth.customFetch>;

/** A resource server's answer, and whether it asked for a DPoP nonce (which it sent along). */
type Answer = [response: Response, nonceRequested: boolean];

/**
 * One resource request through oauth4webapi, which writes the proof and caches the origin's
 * nonce. `deliver` gets the headers it wrote and does the sending.
 */
async function proven(handle: oauth.DPoPHandle, method: string, url: URL, accessToken: string, deliver: NonNullable<SendOptions[typeof oauth.customFetch]>): Promise<Answer> {
  try {
    // Plain http is allowed here only because `apis` already admits it for loopback hosts only.
    const response = await oauth.protectedResourceRequest(accessToken, method, url, undefined, undefined, {
      DPoP: handle,
      [oauth.allowInsecureRequests]: true,
      [oauth.customFetch]: deliver,
    });
    return [response, false];
  } catch (error) {
    // A challenge (WWW-Authenticate) is the API's answer for the caller to see.
    if (error instanceof oauth.WWWAuthenticateChallengeError) return [error.response, oauth.isDPoPNonceError(error)];
    throw error;
  }
}

const keyGone = (): AuthError => new AuthError('login_required', 'the DPoP key is gone (site data cleared?); sign in again');

/** The session's key id; there is none once the session ended. */
function keyOf(session: StoredSession | undefined): string {
  if (!session?.dpopKey) throw loginRequired('there is no session');
  return session.dpopKey;
}

/** Sends one request with the token and a proof, and gives the API's answer. */
function sendOnce(h: oauth.DPoPHandle, request: Request, accessToken: string, fetchApi: (request: Request) => Promise<Response>): Promise<Answer> {
  return proven(h, request.method, new URL(request.url), accessToken, (_url, init) => {
    const headers = new Headers(request.headers);
    const written = init.headers as Record<string, string>;
    headers.set('Authorization', written.authorization as string);
    headers.set('DPoP', written.dpop as string);
    // The proof names the method in upper case (oauth4webapi writes it so): send it the same way.
    return fetchApi(new Request(request, { headers, method: request.method.toUpperCase() }));
  });
}

/** Presents tokens with proofs by the key `current()` resolves to. */
function presenter(current: () => Promise<oauth.DPoPHandle>, fetchApi: (request: Request) => Promise<Response>): TokenPresenter {
  return {
    async headers(method, url, accessToken) {
      let written: Record<string, string> = {};
      await proven(await current(), method, url, accessToken, async (_url, init) => {
        written = init.headers as Record<string, string>;
        return new Response(null, { status: 204 });
      });
      return { Authorization: written.authorization as string, DPoP: written.dpop as string };
    },
    async send(request, accessToken) {
      const h = await current();
      const retry = request.clone();
      const [response, nonceRequested] = await sendOnce(h, request, accessToken, fetchApi);
      // Once: the nonce came with the refusal; a second refusal is the API's answer.
      return nonceRequested ? (await sendOnce(h, retry, accessToken, fetchApi))[0] : response;
    },
  };
}

export function createDpop(config: ClientConfig): Dpop {
  let store: DpopKeyStore | undefined;
  const keys = (): DpopKeyStore => (store ??= keyStore(config));
  const handles = new Map<string, Promise<oauth.DPoPHandle>>();
  const fetchApi = (request: Request): Promise<Response> => (config.ctx.fetch ?? globalThis.fetch)(request);

  const handle = (id: string): Promise<oauth.DPoPHandle> => {
    let found = handles.get(id);
    if (!found) {
      found = keys()
        .get(id)
        .then((pair) => {
          if (!pair) throw keyGone();
          return oauth.DPoP(config.client, pair);
        });
      handles.set(id, found);
      found.catch(() => handles.delete(id));
    }
    return found;
  };

  const dpop: Dpop = {
    async newKey() {
      await keys().prune(Date.now());
      const pair = await oauth.generateKeyPair('ES256');
      const id = `${config.prefix}:${oauth.generateRandomState()}`;
      // Twice the login's lifetime: the login is stored after the key (a PAR round trip later).
      await keys().put(id, pair, Date.now() + 2 * PENDING_TTL_MS);
      return { id, jkt: await (await handle(id)).calculateThumbprint() };
    },
    async keep(id) {
      const pair = await keys().get(id);
      if (!pair) throw keyGone();
      await keys().put(id, pair);
    },
    handle,
    sessionHandle: (session) => handle(keyOf(session)),
    async discard(id) {
      handles.delete(id);
      await keys().delete(id);
    },
    track: (session, onError) => deleteKeysOfEndedSessions(session, (id) => dpop.discard(id), onError),
    presenter: (session) =>
      presenter(
        () =>
          handle(keyOf(session.current())).catch((error: unknown) => {
            // Without its key the session's tokens are useless here: end it, so guards sign in again.
            if ((error as AuthError).code === 'login_required' && session.current()) session.end(error as AuthError);
            throw error;
          }),
        fetchApi,
      ),
  };
  return dpop;
}
