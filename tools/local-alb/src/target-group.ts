import { Pool } from 'undici';

export type TargetState = 'initial' | 'healthy' | 'unhealthy';

export interface TargetHealth {
  target: string;
  state: TargetState;
  /** Why the last health check failed, while unhealthy. */
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

export type StateChange = { target: string; from: TargetState; to: TargetState; reason?: string };

/**
 * The registered targets, their health as ALB tracks it, and round-robin selection:
 * - a new target is `initial` and gets no traffic until it passes one health check;
 * - `unhealthyThreshold` consecutive failures make it `unhealthy`; `healthyThreshold` consecutive
 *   successes make it `healthy` again;
 * - requests go round-robin to healthy targets; when none is healthy but some are unhealthy, to
 *   those (ALB "fails open" rather than refuse everything); when all are still `initial`, nowhere (503).
 * Taking a target out never touches its in-flight requests.
 */
export function createTargetGroup(
  urls: readonly string[],
  thresholds: HealthThresholds,
  poolOptions: Pool.Options,
  onChange: (change: StateChange) => void,
) {
  const targets: Target[] = urls.map((url) => ({
    url,
    pool: new Pool(url, poolOptions),
    state: 'initial',
    successes: 0,
    failures: 0,
    inFlight: 0,
  }));
  let next = 0;

  const transition = (target: Target, to: TargetState) => {
    const from = target.state;
    target.state = to;
    onChange({
      target: target.url,
      from,
      to,
      ...(to === 'unhealthy' && target.reason ? { reason: target.reason } : {}),
    });
  };

  return {
    targets,

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
      await Promise.all(targets.map((target) => target.pool.destroy()));
    },
  };
}

export type TargetGroup = ReturnType<typeof createTargetGroup>;
