import type { ExecutionEnvironment } from './execution-environment.ts';

export interface PoolOptions {
  /** Reserved concurrency: at most this many environments, each running one invocation at a time. */
  concurrency: number;
  start: () => Promise<ExecutionEnvironment>;
  /** An environment whose credentials expire within this margin is not given new work. */
  retireMarginMs: number;
  /** An environment left idle this long is shut down, as Lambda reclaims idle environments. */
  idleTimeoutMs: number;
}

export interface Lease {
  environment: ExecutionEnvironment;
  /** True when this invocation is the environment's first. */
  cold: boolean;
}

export interface EnvironmentPool {
  /** A warm environment when one is free, else a new one (cold start), else waits for one. */
  acquire(): Promise<Lease>;
  release(environment: ExecutionEnvironment): void;
  close(): Promise<void>;
}

export function createEnvironmentPool(options: PoolOptions): EnvironmentPool {
  const idle: { environment: ExecutionEnvironment; timer: NodeJS.Timeout }[] = [];
  const all = new Set<ExecutionEnvironment>();
  const waiters: (() => void)[] = [];
  let starting = 0;
  let closed = false;

  const retire = (environment: ExecutionEnvironment) => {
    all.delete(environment);
    void environment.dispose();
    waiters.shift()?.();
  };
  const fresh = (environment: ExecutionEnvironment) =>
    environment.alive() && environment.expiresAt.getTime() - Date.now() > options.retireMarginMs;

  return {
    async acquire() {
      for (;;) {
        if (closed) throw new Error('the local Lambda runtime is stopping');
        // Most recently used first, as Lambda routes to the warmest environment.
        const warm = idle.pop();
        if (warm) {
          clearTimeout(warm.timer);
          if (fresh(warm.environment)) return { environment: warm.environment, cold: false };
          retire(warm.environment);
          continue;
        }
        if (all.size + starting < options.concurrency) {
          starting += 1;
          try {
            const environment = await options.start();
            all.add(environment);
            return { environment, cold: true };
          } catch (error) {
            waiters.shift()?.();
            throw error;
          } finally {
            starting -= 1;
          }
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    release(environment) {
      if (closed || !environment.alive()) return retire(environment);
      const timer = setTimeout(() => {
        const index = idle.findIndex((entry) => entry.environment === environment);
        if (index >= 0) idle.splice(index, 1);
        retire(environment);
      }, options.idleTimeoutMs);
      timer.unref();
      idle.push({ environment, timer });
      waiters.shift()?.();
    },
    async close() {
      closed = true;
      for (const { timer } of idle.splice(0)) clearTimeout(timer);
      for (const wake of waiters.splice(0)) wake();
      await Promise.all([...all].map((environment) => environment.dispose()));
      all.clear();
    },
  };
}
