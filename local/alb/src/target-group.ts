import { Pool } from 'undici';

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining';

export interface TargetHealth {
  target: string;
  state: TargetState;
  /** Why the last health check failed while unhealthy; ALB's reason code while draining. */
  reason?: string;
  inFlight: number;
}

export interface HealthThresholds {
  /** Consecutive successes that bring an unhealthy target back. */
  healthyThreshold: number;
  /** Consecutive failures that take a target out. */
  unhealthyThreshold: number;
}

export interface Target {
  readonly url: string;
  readonly pool: Pool;
  state: TargetState;
  successes: number;
  failures: number;
  reason?: string;
  inFlight: number;
}

/** `unused`: the target has left the group (ALB's state for a target that is no longer registered). */
export type StateChange = {
  target: string;
  from: TargetState;
  to: TargetState | 'unused';
  reason?: string;
  /** In-flight requests cut when the deregistration delay ran out before they finished. */
  cutRequests?: number;
};

/**
 * The registered targets, their health as ALB tracks it, and round-robin selection:
 * - a new target is `initial` and gets no traffic until it passes one health check;
 * - `unhealthyThreshold` consecutive failures make it `unhealthy`; `healthyThreshold` consecutive
 *   successes make it `healthy` again;
 * - requests go round-robin to healthy targets; when none is healthy but some are unhealthy, to
 *   those (ALB "fails open" rather than refuse everything); when all are still `initial`, nowhere (503);
 * - a deregistered target is `draining`: it gets no new requests and no health checks, and leaves
 *   the group once its in-flight requests have finished or the deregistration delay has run out,
 *   whichever comes first (what ALB does; its requests still in flight then are cut).
 * Taking a target out on a failing health check never touches its in-flight requests.
 */
export function createTargetGroup(
  urls: readonly string[],
  thresholds: HealthThresholds,
  poolOptions: Pool.Options,
  onChange: (change: StateChange) => void,
) {
  const targets: Target[] = [];
  const idle = new Map<Target, () => void>();
  let next = 0;
  let closed = false;

  const transition = (target: Target, to: StateChange['to'], extra: Partial<StateChange> = {}) => {
    const from = target.state;
    if (to !== 'unused') target.state = to;
    onChange({
      target: target.url,
      from,
      to,
      ...(to === 'unhealthy' && target.reason ? { reason: target.reason } : {}),
      ...extra,
    });
  };

  const register = (url: string): Target | undefined => {
    if (targets.some((target) => target.url === url && target.state !== 'draining')) return undefined;
    const target: Target = {
      url,
      pool: new Pool(url, poolOptions),
      state: 'initial',
      successes: 0,
      failures: 0,
      inFlight: 0,
    };
    targets.push(target);
    return target;
  };
  for (const url of urls) register(url);

  return {
    targets: targets as readonly Target[],

    /** RegisterTargets: the new target, or undefined when the URL is registered (and not draining) already. */
    register,

    /** DeregisterTargets; resolves once the target has left the group. Unknown URLs resolve at once. */
    async deregister(url: string, delayMs: number): Promise<void> {
      const target = targets.find((candidate) => candidate.url === url && candidate.state !== 'draining');
      if (!target) return;
      target.reason = 'Target.DeregistrationInProgress';
      transition(target, 'draining', { reason: target.reason });
      if (target.inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolveDrain) => {
          idle.set(target, resolveDrain);
          timer = setTimeout(resolveDrain, delayMs);
        });
        clearTimeout(timer);
        idle.delete(target);
        if (closed) return;
      }
      targets.splice(targets.indexOf(target), 1);
      const cut = target.inFlight;
      transition(target, 'unused', { reason: 'Target.NotRegistered', ...(cut > 0 && { cutRequests: cut }) });
      await (cut > 0 ? target.pool.destroy() : target.pool.close());
    },

    /** Counts a request sent to `target` until `release`. */
    acquire(target: Target): void {
      target.inFlight += 1;
    },

    release(target: Target): void {
      target.inFlight -= 1;
      if (target.inFlight === 0) idle.get(target)?.();
    },

    /** Whether health checks still apply: registered and not draining. */
    isChecked(target: Target): boolean {
      return target.state !== 'draining' && targets.includes(target);
    },

    /** The next target in round-robin order, skipping `exclude` (a target that just failed). */
    pick(exclude?: Target): Target | undefined {
      const healthy = targets.filter((target) => target.state === 'healthy' && target !== exclude);
      const candidates =
        healthy.length > 0
          ? healthy
          : targets.filter((target) => target.state === 'unhealthy' && target !== exclude);
      if (candidates.length === 0) return undefined;
      next = (next + 1) % candidates.length;
      return candidates[next];
    },

    recordCheck(target: Target, result: { ok: true } | { ok: false; reason: string }): void {
      // A check that was under way when the target was deregistered no longer counts.
      if (target.state === 'draining' || !targets.includes(target)) return;
      if (result.ok) {
        target.failures = 0;
        target.successes += 1;
        delete target.reason;
        if (
          target.state === 'initial' ||
          (target.state === 'unhealthy' && target.successes >= thresholds.healthyThreshold)
        ) {
          transition(target, 'healthy');
        }
        return;
      }
      target.successes = 0;
      target.failures += 1;
      target.reason = result.reason;
      if (target.state !== 'unhealthy' && target.failures >= thresholds.unhealthyThreshold)
        transition(target, 'unhealthy');
    },

    health(): TargetHealth[] {
      return targets.map(({ url, state, reason, inFlight }) => ({
        target: url,
        state,
        ...(reason === undefined ? {} : { reason }),
        inFlight,
      }));
    },

    async close(): Promise<void> {
      // Deregistrations still waiting end now: the load balancer is going away with their targets.
      closed = true;
      for (const resolveDrain of idle.values()) resolveDrain();
      await Promise.all(targets.map((target) => target.pool.destroy()));
    },
  };
}

export type TargetGroup = ReturnType<typeof createTargetGroup>;
