import { setTimeout as sleep } from 'node:timers/promises';

/** `initialMs`, doubling per attempt (1-based), capped at `maxMs`. */
export function exponentialDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}

/** Sleeps `ms`, or less if `signal` aborts; never rejects. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
