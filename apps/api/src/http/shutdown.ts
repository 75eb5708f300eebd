import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@keyless/logging';
import type { Readiness } from './readiness.ts';

export interface DrainOptions {
  server: Server;
  readiness: Readiness;
  logger: Logger;
  /** How long to keep serving new requests after readiness starts failing. */
  drainDelayMs: number;
  /** When in-flight requests are cut off, counted from the start of the drain. */
  deadlineMs: number;
}

/**
 * SIGTERM handling, in the order a load balancer needs it:
 * 1. `/readyz` fails and every response closes its connection, but requests are still served, so
 *    whatever the load balancer sends until it notices (health-check interval x unhealthy
 *    threshold where nothing deregisters the instance; on ECS and under `npm start` it is
 *    deregistered and drained before SIGTERM) still succeeds;
 * 2. stop accepting connections and close idle ones;
 * 3. wait for in-flight requests, up to the deadline, then close what is left.
 * Resolves with the number of connections that had to be cut.
 */
export async function drain({
  server,
  readiness,
  logger,
  drainDelayMs,
  deadlineMs,
}: DrainOptions): Promise<number> {
  const startedAt = performance.now();
  readiness.startDraining();
  logger.info({ drainDelayMs }, 'draining: readiness now fails, still serving');
  await sleep(drainDelayMs);

  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let cut = 0;
  const remainingMs = Math.max(0, deadlineMs - (performance.now() - startedAt));
  const deadline = setTimeout(() => {
    server.getConnections((_error, count) => {
      cut = count;
      server.closeAllConnections();
    });
  }, remainingMs);
  await closed;
  clearTimeout(deadline);
  logger.info({ cutConnections: cut }, 'drained: no connections left');
  return cut;
}
