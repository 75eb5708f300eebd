import { expect, test } from 'vitest';
import { defaultBackOff, restartDelayMs } from '../src/restart-back-off.ts';

test('the default back-off: 1 s doubling to 30 s, reset after a minute of health', () => {
  expect([1, 2, 3, 4, 5, 6, 7, 20].map((failures) => restartDelayMs(failures, defaultBackOff))).toEqual([
    1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
  ]);
  expect(defaultBackOff.resetAfterMs).toBe(60_000);
});
