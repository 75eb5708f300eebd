export interface ReadinessOptions {
  /** Resolves when the uploads table answers; rejects otherwise. */
  probeTable: () => Promise<void>;
  /** How long a table probe result is reused: /readyz is unauthenticated and must not amplify load. */
  probeCacheMs?: number;
}

export interface ReadinessReport {
  ready: boolean;
  failing: ('draining' | 'jwks' | 'table')[];
}

/**
 * What `/readyz` reports: ready once the JWKS is hydrated and the table answers, and not ready
 * from the moment shutdown begins, which is how this instance tells its load balancer to stop
 * sending it new requests.
 */
export function createReadiness({ probeTable, probeCacheMs = 2_000 }: ReadinessOptions) {
  let jwksReady = false;
  let draining = false;
  let lastProbe: { at: number; result: Promise<boolean> } | undefined;

  const tableReachable = (): Promise<boolean> => {
    const now = performance.now();
    if (!lastProbe || now - lastProbe.at > probeCacheMs) {
      lastProbe = {
        at: now,
        result: probeTable().then(
          () => true,
          () => false,
        ),
      };
    }
    return lastProbe.result;
  };

  return {
    markJwksReady(): void {
      jwksReady = true;
    },
    startDraining(): void {
      draining = true;
    },
    get draining(): boolean {
      return draining;
    },
    async check(): Promise<ReadinessReport> {
      // Answered at once: a load balancer must see a draining instance fail fast, not time out.
      if (draining) return { ready: false, failing: ['draining'] };
      const failing: ReadinessReport['failing'] = [];
      if (!jwksReady) failing.push('jwks');
      if (!(await tableReachable())) failing.push('table');
      return { ready: failing.length === 0, failing };
    },
  };
}

export type Readiness = ReturnType<typeof createReadiness>;
