export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A token bucket per user: `perMinute` requests, refilled continuously. Per instance, so behind a
 * load balancer with N instances a user gets up to N times the rate; it bounds what one token can
 * make one task do (DynamoDB writes, presigning), and WAF rate rules belong in front of the ALB.
 */
export function createRateLimiter({
  perMinute,
  now = () => performance.now(),
}: {
  perMinute: number;
  now?: () => number;
}) {
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const refill = (bucket: { tokens: number; at: number }, at: number) => {
    bucket.tokens = Math.min(perMinute, bucket.tokens + (at - bucket.at) * perMs);
    bucket.at = at;
  };

  // Full buckets carry no information; dropping them keeps memory bounded by active users.
  const prune = (at: number) => {
    for (const [key, bucket] of buckets) {
      refill(bucket, at);
      if (bucket.tokens >= perMinute) buckets.delete(key);
    }
  };

  return {
    take(key: string): RateDecision {
      const at = now();
      if (buckets.size >= 10_000) prune(at);
      const bucket = buckets.get(key) ?? { tokens: perMinute, at };
      refill(bucket, at);
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: Math.ceil((1 - bucket.tokens) / perMs / 1000) };
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
