import { AuthError } from '@pkce-auth/core';
import { describe, expect, it } from 'vitest';
import { createBff, type BffOptions } from '../index.js';
import { bffOptions } from './fixtures.js';

const refusal = (overrides: Partial<BffOptions> | Record<string, unknown>): AuthError => {
  try {
    createBff(bffOptions(overrides as Partial<BffOptions>));
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('invalid_config');
    return error as AuthError;
  }
  throw new Error('expected createBff to throw');
};

describe('createBff options', () => {
  it('builds with valid options', () => {
    const bff = createBff(bffOptions());
    expect(bff.fetch).toBeTypeOf('function');
    expect(bff.node).toBeTypeOf('function');
  });

  it('refuses a secret under 32 bytes, naming it', () => {
    expect(refusal({ secret: 'too-short' }).message).toContain('`secret`');
    expect(refusal({ secret: undefined }).message).toContain('`secret`');
  });

  it.each([
    [{ issuer: 'http://as.example' }, '`issuer`'],
    [{ clientId: '' }, '`clientId`'],
    [{ clientSecret: undefined }, '`clientSecret`'],
    [{ baseUrl: 'http://app.example' }, '`baseUrl`'],
    [{ baseUrl: 'https://app.example/app' }, '`baseUrl`'],
    [{ scope: 'profile notes:read' }, 'openid'],
    [{ apis: undefined }, '`apis`'],
    [{ apis: [{ path: 'api', target: 'https://api.example' }] }, '`apis[0].path`'],
    [{ apis: [{ path: '/api/', target: 'https://api.example' }] }, '`apis[0].path`'],
    [{ apis: [{ path: '/api/../x', target: 'https://api.example' }] }, '`apis[0].path`'],
    [{ apis: [{ path: '/bff/x', target: 'https://api.example' }] }, '/bff'],
    [{ apis: [{ path: '/api', target: 'http://api.example' }] }, '`apis[0].target`'],
    [{ apis: [{ path: '/api', target: 'https://api.example/?x=1' }] }, '`apis[0].target`'],
    [{ apis: [{ path: '/api', target: 'https://api.example', resource: 'not a url' }] }, '`apis[0].resource`'],
    [{ apis: [{ path: '/a', target: 'https://a.example' }, { path: '/a', target: 'https://b.example' }] }, 'twice'],
    [{ authorizeParams: { redirect_uri: 'https://evil.example' } }, 'redirect_uri'],
    [{ authorizeParams: { prompt: 1 } }, 'authorizeParams.prompt'],
    [{ sessionTtlSeconds: 0 }, '`sessionTtlSeconds`'],
    [{ idleTtlSeconds: 1.5 }, '`idleTtlSeconds`'],
    [{ postLogoutRedirectUri: 'javascript:alert(1)' }, '`postLogoutRedirectUri`'],
  ])('refuses %j', (overrides, named) => {
    expect(refusal(overrides).message).toContain(named);
  });

  it('accepts loopback http for development', () => {
    expect(() => createBff(bffOptions({ issuer: 'http://127.0.0.1:4000', baseUrl: 'http://localhost:5173', apis: [{ path: '/api', target: 'http://127.0.0.1:4001' }] }))).not.toThrow();
  });
});
