import { defined, isObject, isString, optional } from '../objects.js';
import { pickMetadata, type ServerMetadata } from '../protocol/discovery.js';
import { readJson, safeRemove, writeJson } from '../storage.js';
import type { StorageLike } from '../types.js';
import { check, parseStored } from './parseStored.js';

/** How long a pending login waits for its callback. */
export const PENDING_TTL_MS = 10 * 60_000;

/** A login started by this tab and waiting for its callback. */
export interface PendingLogin {
  state: string;
  verifier: string;
  nonce?: string;
  /** `max_age` of the authorization request, in seconds. */
  maxAge?: number;
  returnTo: string;
  createdAt: number;
  /** The metadata for the one code exchange: used only when its issuer is the configured one. */
  meta: ServerMetadata;
  /** The id of the DPoP key made for this login (`dpop: true`). */
  dpopKey?: string;
  /** A `prompt=none` session restore: "no session at the server" is no error for it. */
  silent?: boolean;
}

/** Validates one pending login read back from storage. */
export function parsePending(value: unknown): PendingLogin | undefined {
  return parseStored(() => {
    const { state, verifier, nonce, maxAge, returnTo, createdAt, meta, dpopKey, silent } = value as Record<string, unknown>;
    check(
      isString(state) &&
        typeof verifier === 'string' &&
        /^[A-Za-z0-9._~-]{43,128}$/.test(verifier) &&
        optional(nonce) &&
        optional(dpopKey) &&
        (silent === undefined || silent === true) &&
        optional(maxAge, (n) => Number.isInteger(n) && (n as number) >= 0) &&
        typeof returnTo === 'string' &&
        Number.isFinite(createdAt),
    );
    return defined({ state, verifier, nonce, maxAge, returnTo, createdAt, meta: pickMetadata(meta as never), dpopKey, silent }) as PendingLogin;
  });
}

/** The pending logins of one client, keyed by state, in sessionStorage or memory. */
export interface PendingLogins {
  add(login: PendingLogin): void;
  /** Removes and returns the pending login for `state` (even an expired one): each is used once. */
  take(state: string): PendingLogin | undefined;
}

export function createPendingLogins(storage: StorageLike, key: string): PendingLogins {
  /** The unexpired pending logins; corrupt entries are dropped. */
  const readAll = (raw: unknown): Record<string, PendingLogin> => {
    const all: Record<string, PendingLogin> = {};
    for (const value of isObject(raw) ? Object.values(raw) : []) {
      const pending = parsePending(value);
      if (pending && Date.now() - pending.createdAt < PENDING_TTL_MS) all[pending.state] = pending;
    }
    return all;
  };
  const writeAll = (all: Record<string, PendingLogin>): void => {
    if (Object.keys(all).length) writeJson(storage, key, all);
    else safeRemove(storage, key);
  };
  return {
    add: (login) => writeAll({ ...readAll(readJson(storage, key)), [login.state]: login }),
    take(state) {
      const raw = readJson(storage, key);
      const all = readAll(raw);
      delete all[state];
      writeAll(all);
      return isObject(raw) && Object.hasOwn(raw, state) ? parsePending(raw[state]) : undefined;
    },
  };
}
