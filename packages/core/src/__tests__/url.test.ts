import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors.js';
import { normalizeReturnTo, parseSecureUrl } from '../url.js';
import { createAuthClient } from '../client/createAuthClient.js';

const ORIGIN = 'http://localhost:3000';

describe('returnTo', () => {
  it.each([
    ['/notes?x=1#y', '/notes?x=1#y'],
    ['/', '/'],
    [`${ORIGIN}/profile?tab=2`, '/profile?tab=2'],
  ])('accepts %s as %s', (input, output) => {
    expect(normalizeReturnTo(input, ORIGIN)).toBe(output);
  });

  it.each(['https://evil.example', '//evil.example', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)', 'data:text/html,x', 'notes', '', 'http://localhost:3001/x', `${ORIGIN}//evil.example`, `${ORIGIN}/\\evil.example`])(
    'refuses %j with invalid_return_to',
    (input) => {
      let thrown: unknown;
      try {
        normalizeReturnTo(input, ORIGIN);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AuthError);
      expect((thrown as AuthError).code).toBe('invalid_return_to');
    },
  );
});

describe('plain http only on loopback', () => {
  it.each(['http://localhost:4000', 'http://127.0.0.1:4000', 'http://[::1]:4000', 'https://auth.example.com'])('accepts %s', (url) => {
    expect(parseSecureUrl(url, 'issuer').href).toBe(new URL(url).href);
  });

  it.each(['http://auth.example.com', 'http://192.168.1.10', 'ftp://auth.example.com', 'not a url'])('refuses %s as invalid_config', (url) => {
    expect(() => parseSecureUrl(url, 'issuer')).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });

  it('createAuthClient refuses a non-loopback http issuer and says why', () => {
    expect(() => createAuthClient({ clientId: 'a', redirectUri: `${ORIGIN}/callback`, issuer: 'http://auth.example.com' })).toThrow(
      /https URL \(http only on localhost, 127.0.0.1, \[::1\]\)/,
    );
  });

  it('createAuthClient refuses unusable options with invalid_config', () => {
    const bad = [
      { clientId: '', redirectUri: `${ORIGIN}/cb`, issuer: 'https://a.example' },
      { clientId: 'a', redirectUri: '/callback', issuer: 'https://a.example' },
      { clientId: 'a', redirectUri: `${ORIGIN}/cb` },
      { clientId: 'a', redirectUri: `${ORIGIN}/cb`, issuer: 'https://a.example', scope: 'openid,profile' },
      { clientId: 'a', redirectUri: `${ORIGIN}/cb`, issuer: 'https://a.example', storage: 'cookie' },
      { clientId: 'a', redirectUri: `${ORIGIN}/cb`, endpoints: { authorization: 'https://a.example/auth', token: 'https://a.example/token' } },
    ];
    for (const options of bad) {
      expect(() => createAuthClient(options as never), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    }
  });
});
