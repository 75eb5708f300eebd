import { setTimeout as sleep } from 'node:timers/promises';

/** Polls until `condition` holds; fails naming `what` if it never does. A wait, not a timing assertion. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
