import { describe, expect, it, vi } from 'vitest';

// The core must not import React: if anything in it did, this mock would throw on import.
vi.mock('react', () => {
  throw new Error('@pkce-auth/core must not import react');
});

describe('@pkce-auth/core without React', () => {
  it('imports and creates a client with no react module', async () => {
    const core = await import('../index.js');
    const client = core.createAuthClient({ clientId: 'x', redirectUri: 'http://localhost:3000/callback', issuer: 'https://auth.example.com' });
    expect(client.getState().status).toBe('unauthenticated');
    client.destroy();
  });
});
