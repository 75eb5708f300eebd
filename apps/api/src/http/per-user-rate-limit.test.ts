import { expect, test } from 'vitest';
import { createRateLimiter } from './per-user-rate-limit.ts';

test('allows perMinute requests at once, then refills continuously', () => {
  let now = 0;
  const limiter = createRateLimiter({ perMinute: 3, now: () => now });
  expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
  expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 20 });
  now = 20_000; // one token back
  expect(limiter.take('a').allowed).toBe(true);
  expect(limiter.take('a').allowed).toBe(false);
});

test('users have separate buckets', () => {
  const limiter = createRateLimiter({ perMinute: 1, now: () => 0 });
  expect(limiter.take('a').allowed).toBe(true);
  expect(limiter.take('a').allowed).toBe(false);
  expect(limiter.take('b').allowed).toBe(true);
});

test('keeps working past 10 000 users: idle (full) buckets are dropped, busy ones kept', () => {
  let now = 0;
  const limiter = createRateLimiter({ perMinute: 1, now: () => now });
  expect(limiter.take('busy').allowed).toBe(true);
  for (let i = 0; i < 10_000; i += 1) limiter.take(`user-${i}`);
  now = 1_000; // not enough to refill "busy"
  limiter.take('newcomer');
  expect(limiter.take('busy').allowed).toBe(false);
});
