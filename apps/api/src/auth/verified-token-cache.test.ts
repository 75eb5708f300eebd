import { expect, test } from 'vitest';
import type { Caller } from './caller.ts';
import { cacheVerifiedTokens } from './verified-token-cache.ts';
import type { AccessTokenVerifier } from './verify-access-token.ts';

const HOUR = 3600;

/** A verifier that accepts `valid-*` tokens (expiring at `expiresAt`) and counts its calls. */
function countingVerifier(expiresAt: number) {
  const calls: string[] = [];
  const verifier: AccessTokenVerifier = {
    hydrate: async () => undefined,
    verify: async (token) => {
      calls.push(token);
      if (!token.startsWith('valid-')) throw new Error('invalid signature');
      const caller: Caller = { sub: token, username: token, groups: [], clientId: 'c', scope: '', expiresAt };
      return caller;
    },
  };
  return { verifier, calls };
}

test('verifies a token once, then answers from memory until maxAgeSeconds', async () => {
  let now = 0;
  const { verifier, calls } = countingVerifier(HOUR);
  const cached = cacheVerifiedTokens(verifier, { maxAgeSeconds: 60, maxEntries: 10, now: () => now });

  expect((await cached.verify('valid-a')).sub).toBe('valid-a');
  await cached.verify('valid-a');
  now = 59_999;
  await cached.verify('valid-a');
  expect(calls).toEqual(['valid-a']);
  now = 60_000;
  await cached.verify('valid-a');
  expect(calls).toEqual(['valid-a', 'valid-a']);
});

test('never answers from memory at or after the token expires', async () => {
  let now = 0;
  const expiresAt = 30;
  const { verifier, calls } = countingVerifier(expiresAt);
  const cached = cacheVerifiedTokens(verifier, { maxAgeSeconds: 300, maxEntries: 10, now: () => now });
  await cached.verify('valid-a');
  now = expiresAt * 1000;
  await cached.verify('valid-a');
  expect(calls).toHaveLength(2);
});

test('keeps no failures: a rejected token is verified (and rejected) every time', async () => {
  const { verifier, calls } = countingVerifier(HOUR);
  const cached = cacheVerifiedTokens(verifier, { maxAgeSeconds: 60, maxEntries: 10, now: () => 0 });
  await expect(cached.verify('forged')).rejects.toThrow('invalid signature');
  await expect(cached.verify('forged')).rejects.toThrow('invalid signature');
  expect(calls).toEqual(['forged', 'forged']);
});

test('drops the oldest entry when full', async () => {
  const { verifier, calls } = countingVerifier(HOUR);
  const cached = cacheVerifiedTokens(verifier, { maxAgeSeconds: 60, maxEntries: 2, now: () => 0 });
  for (const token of ['valid-a', 'valid-b', 'valid-c', 'valid-b', 'valid-a']) await cached.verify(token);
  expect(calls).toEqual(['valid-a', 'valid-b', 'valid-c', 'valid-a']);
});

test('maxAgeSeconds 0 verifies every request', async () => {
  const { verifier, calls } = countingVerifier(HOUR);
  const cached = cacheVerifiedTokens(verifier, { maxAgeSeconds: 0, maxEntries: 10, now: () => 0 });
  await cached.verify('valid-a');
  await cached.verify('valid-a');
  expect(calls).toHaveLength(2);
});
