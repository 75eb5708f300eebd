import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalAlb } from '@keyless/local-alb';
import type { Task } from './supervise-service.ts';

/**
 * What ECS does with a task of a service behind a load balancer: registers it as a target once it
 * is healthy; before stopping it, deregisters it and waits until the target has left the group (its
 * in-flight requests finished, or the deregistration delay ran out), so that SIGTERM reaches a
 * process no request is routed to any more. A task that ends on its own is deregistered at once.
 */
export function loadBalancedTask(
  alb: LocalAlb,
  targetUrl: string,
): Required<Pick<Task, 'started' | 'beforeStop' | 'ended'>> {
  return {
    started: () => alb.registerTarget(targetUrl),
    beforeStop: () => alb.deregisterTarget(targetUrl),
    ended: () => void alb.deregisterTarget(targetUrl),
  };
}

/** Resolves once `count` targets are healthy at the ALB: the service's steady state behind it. */
export async function untilTargetsHealthy(alb: LocalAlb, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const healthy = () => alb.targetHealth().filter((target) => target.state === 'healthy').length;
  while (healthy() < count) {
    if (performance.now() > deadline)
      throw new Error(`${healthy()} of ${count} api targets healthy at the ALB after ${timeoutMs} ms`);
    await sleep(50);
  }
}
