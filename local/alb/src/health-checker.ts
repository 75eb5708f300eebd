import { Agent, request } from 'undici';
import type { Target, TargetGroup } from './target-group.ts';

export interface HealthCheckSettings {
  path: string;
  intervalMs: number;
  timeoutMs: number;
}

export interface HealthChecks {
  /** Starts checking a newly registered target (at once, then every interval). */
  watch(target: Target): void;
  stop(): Promise<void>;
}

/**
 * Active health checks, as ALB runs them: `GET <path>` on every registered target every
 * `intervalMs`; a 200 within `timeoutMs` passes, anything else fails. A target's checks end when it
 * is deregistered. Checks use their own connections, so a target whose request connections are all
 * busy is not reported unhealthy for it.
 */
export function startHealthChecks(group: TargetGroup, settings: HealthCheckSettings): HealthChecks {
  const agent = new Agent({ keepAliveTimeout: settings.intervalMs * 2 });
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const check = async (target: Target) => {
    try {
      const response = await request(new URL(settings.path, target.url), {
        dispatcher: agent,
        headersTimeout: settings.timeoutMs,
        bodyTimeout: settings.timeoutMs,
        signal: AbortSignal.timeout(settings.timeoutMs),
        headers: { 'user-agent': 'ELB-HealthChecker/2.0' },
      });
      await response.body.dump();
      return response.statusCode === 200
        ? ({ ok: true } as const)
        : ({ ok: false, reason: `Target.ResponseCodeMismatch (${response.statusCode})` } as const);
    } catch (error) {
      const code = (error as { code?: string; name?: string }).code ?? (error as Error).name;
      const reason =
        code === 'ECONNREFUSED'
          ? 'Target.FailedHealthChecks (connection refused)'
          : code === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT'
            ? 'Target.Timeout'
            : `Target.FailedHealthChecks (${code})`;
      return { ok: false, reason } as const;
    }
  };

  const loop = async (target: Target) => {
    if (stopped || !group.isChecked(target)) return;
    group.recordCheck(target, await check(target));
    if (stopped || !group.isChecked(target)) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void loop(target);
    }, settings.intervalMs);
    timers.add(timer);
  };

  for (const target of group.targets) void loop(target);

  return {
    watch: (target) => void loop(target),
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await agent.destroy();
    },
  };
}
