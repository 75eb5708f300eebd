export interface BackOff {
  /** The wait before the first restart after a run of failures. */
  initialMs: number;
  /** The wait doubles with each consecutive failure up to this. */
  maxMs: number;
  /** A task that stayed healthy this long was a success: the next failure starts again at `initialMs`. */
  resetAfterMs: number;
}

/**
 * 1 s doubling to 30 s, like the ECS service scheduler's throttling of tasks that keep stopping
 * (which goes on up to minutes; a local system should come back sooner). A minute of health resets it:
 * long enough that a task crashing under steady traffic still backs off, short enough that one crash
 * an hour later is retried at once.
 */
export const defaultBackOff: BackOff = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

/** The wait before restarting after `consecutiveFailures` (1 for the first) failures in a row. */
export function restartDelayMs(consecutiveFailures: number, backOff: BackOff): number {
  return Math.min(backOff.maxMs, backOff.initialMs * 2 ** Math.max(0, consecutiveFailures - 1));
}
