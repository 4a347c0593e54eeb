import { isAuthError } from '@pkce-auth/core';
import { describe, expect, it } from 'vitest';
import { deriveKeys, keyedHash, open, randomId, seal } from '../crypto.js';

const keys = deriveKeys('a-secret-of-more-than-thirty-two-bytes');

describe('deriveKeys', () => {
  it('refuses a secret under 32 bytes with invalid_config naming `secret`', () => {
    for (const secret of ['short', 'x'.repeat(31), new Uint8Array(31), undefined, 42]) {
      let thrown: unknown;
      try {
        deriveKeys(secret);
      } catch (error) {
        thrown = error;
      }
      expect(isAuthError(thrown, 'invalid_config')).toBe(true);
      expect((thrown as Error).message).toContain('`secret`');
    }
  });

  it('counts bytes, not characters, and accepts 32 bytes as a string or bytes', () => {
    expect(() => deriveKeys('é'.repeat(16))).not.toThrow(); // 32 bytes in UTF-8
    expect(() => deriveKeys(new Uint8Array(32))).not.toThrow();
  });

  it('derives the same keys from the same secret, a different key per purpose', () => {
    const again = deriveKeys('a-secret-of-more-than-thirty-two-bytes');
    expect(again.session.equals(keys.session)).toBe(true);
    expect(keys.session.equals(keys.login)).toBe(false);
    expect(keys.login.equals(keys.ids)).toBe(false);
    expect(keys.session).toHaveLength(32);
  });
});

describe('seal and open (AES-256-GCM)', () => {
  it('round-trips, with a fresh IV each time', () => {
    const a = seal(keys.session, 'hello', 'ctx');
    const b = seal(keys.session, 'hello', 'ctx');
    expect(a).not.toBe(b);
    expect(open(keys.session, a, 'ctx')).toBe('hello');
    expect(a).not.toContain('hello');
  });

  it('refuses every single-byte tampering', () => {
    const sealed = Buffer.from(seal(keys.session, 'the session', 'ctx'), 'base64url');
    for (let i = 0; i < sealed.length; i++) {
      const copy = Buffer.from(sealed);
      copy[i] = (copy[i] as number) ^ 1;
      expect(open(keys.session, copy.toString('base64url'), 'ctx')).toBeUndefined();
    }
  });

  it('refuses another context, another key and malformed input', () => {
    const sealed = seal(keys.session, 'x', 'session:a');
    expect(open(keys.session, sealed, 'session:b')).toBeUndefined();
    expect(open(keys.login, sealed, 'session:a')).toBeUndefined();
    expect(open(deriveKeys('another-secret-of-more-than-32-bytes!').session, sealed, 'session:a')).toBeUndefined();
    for (const junk of ['', 'not base64 !', 'AAAA', sealed.slice(0, 20), `${sealed}%`]) expect(open(keys.session, junk, 'session:a')).toBeUndefined();
  });
});

describe('ids', () => {
  it('randomId is 256 bits of base64url, never repeating', () => {
    const ids = new Set(Array.from({ length: 200 }, () => randomId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('keyedHash is stable per key and differs across keys', () => {
    expect(keyedHash(keys.ids, 'sid-1')).toBe(keyedHash(keys.ids, 'sid-1'));
    expect(keyedHash(keys.ids, 'sid-1')).not.toBe(keyedHash(keys.session, 'sid-1'));
    expect(keyedHash(keys.ids, 'sid-1')).not.toContain('sid-1');
  });
});
