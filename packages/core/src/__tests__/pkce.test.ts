import { describe, expect, it } from 'vitest';
import { createCodeChallenge, createCodeVerifier, createPkcePair } from '../pkce.js';

describe('PKCE primitives (RFC 7636)', () => {
  it('derives the appendix B challenge', async () => {
    expect(await createCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of the asked length from unreserved characters only', () => {
    for (const length of [43, 64, 100, 128]) {
      const verifier = createCodeVerifier(length);
      expect(verifier).toHaveLength(length);
      expect(verifier).toMatch(/^[A-Za-z0-9\-._~]+$/);
    }
    expect(createCodeVerifier()).toHaveLength(64);
  });

  it.each([42, 129, 0, -1, 50.5, Number.NaN])('refuses length %s with a RangeError', (length) => {
    expect(() => createCodeVerifier(length)).toThrow(RangeError);
  });

  it('never repeats (regression: the tutorial never filled its Uint32Array)', () => {
    const seen = new Set(Array.from({ length: 200 }, () => createCodeVerifier(43)));
    expect(seen.size).toBe(200);
  });

  it('draws every character with equal probability (no modulo bias)', () => {
    const counts = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < 1500; i++) {
      for (const ch of createCodeVerifier(128)) {
        counts.set(ch, (counts.get(ch) ?? 0) + 1);
        total++;
      }
    }
    expect(counts.size).toBe(66);
    const expected = total / 66;
    // Pearson chi-square with 65 degrees of freedom; the 99.99th percentile is about 118.
    // A `byte % 66` generator over-draws the first 58 characters by ~25% and scores in the thousands.
    let chi = 0;
    for (const n of counts.values()) chi += (n - expected) ** 2 / expected;
    expect(chi).toBeLessThan(118);
  });

  it('pairs a verifier with its S256 challenge, unpadded base64url', async () => {
    const pair = await createPkcePair(43);
    expect(pair.method).toBe('S256');
    expect(pair.challenge).toBe(await createCodeChallenge(pair.verifier));
    expect(pair.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
