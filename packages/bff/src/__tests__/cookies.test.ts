import { describe, expect, it } from 'vitest';
import { clearCookie, cookieNames, MAX_COOKIE_HEADER, readCookies, serializeCookie } from '../cookies.js';
import { HttpError } from '../responses.js';

const refusal = (fn: () => unknown): HttpError => {
  try {
    fn();
  } catch (error) {
    return error as HttpError;
  }
  throw new Error('expected a refusal');
};

describe('cookieNames', () => {
  it('uses __Host- and Secure on https only', () => {
    expect(cookieNames(new URL('https://app.example'))).toEqual({ session: '__Host-bff-session', login: '__Host-bff-login', secure: true });
    expect(cookieNames(new URL('http://localhost:5173'))).toEqual({ session: 'bff-session', login: 'bff-login', secure: false });
  });
});

describe('readCookies', () => {
  it('reads only the names asked for, trimming spaces', () => {
    const found = readCookies('a=1; bff-session=abc ; other=x=y;bff-login=zz', ['bff-session', 'bff-login']);
    expect([...found]).toEqual([
      ['bff-session', 'abc'],
      ['bff-login', 'zz'],
    ]);
  });

  it('ignores junk without an equals sign and an absent header', () => {
    expect(readCookies('garbage; ;;', ['bff-session']).size).toBe(0);
    expect(readCookies(null, ['bff-session']).size).toBe(0);
  });

  it('refuses an oversized header with 400', () => {
    const error = refusal(() => readCookies(`bff-session=${'a'.repeat(MAX_COOKIE_HEADER)}`, ['bff-session']));
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(400);
    expect(error.message).toContain('8192');
    expect(() => readCookies(`x=${'a'.repeat(MAX_COOKIE_HEADER - 2)}`, ['bff-session'])).not.toThrow();
  });

  it('refuses one of its cookies sent twice (cookie tossing) with 400', () => {
    const error = refusal(() => readCookies('bff-session=a; bff-session=b', ['bff-session']));
    expect(error.status).toBe(400);
    expect(error.message).toContain('twice');
    expect(readCookies('x=1; x=2; bff-session=a', ['bff-session']).get('bff-session')).toBe('a');
  });
});

describe('serializeCookie', () => {
  it('sets HttpOnly, Path=/, SameSite, Max-Age and Secure', () => {
    expect(serializeCookie('__Host-bff-session', 'id', { maxAgeSeconds: 60, sameSite: 'Strict', secure: true })).toBe(
      '__Host-bff-session=id; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure',
    );
    expect(serializeCookie('bff-login', 'v', { maxAgeSeconds: 600, sameSite: 'Lax', secure: false })).toBe('bff-login=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=600');
    expect(clearCookie('bff-login', { sameSite: 'Lax', secure: false })).toBe('bff-login=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
  });
});
