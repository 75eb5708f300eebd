import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `url` until it answers 2xx, failing with `what` in the message once `timeoutMs` is spent. */
export async function waitUntilHealthy(url: string, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${what} did not become healthy at ${url} within ${timeoutMs} ms (${lastProblem})`);
}
