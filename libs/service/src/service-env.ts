// zod/mini, as in @keyless/config: the Lambda's schema spreads these too, and its bundle carries
// only Zod's tree-shakable form.
import { durationSeconds, serviceEnv } from '@keyless/config';
import * as z from 'zod/mini';

/** Taken out of STOP_TIMEOUT_SECONDS for the last metrics and spans, after the service's own stop. */
export const FINAL_FLUSH_SECONDS = 2;

/** What createServiceContext reads: DEPLOY_ENV and LOG_LEVEL (`serviceEnv`), and the metrics namespace. */
export const serviceContextEnv = z.object({
  ...serviceEnv.shape,
  /** The CloudWatch namespace of the EMF metrics; the CDK app's alarms and dashboard read the same. */
  METRICS_NAMESPACE: z._default(z.string().check(z.minLength(1)), 'keyless'),
});

/** What runService reads besides: how long a stop may take, how often metrics are written. */
export const serviceProcessEnv = z.object({
  ...serviceContextEnv.shape,
  /**
   * From SIGTERM to exit. Keep it below the platform's kill timeout: ECS `stopTimeout`, the pod's
   * `terminationGracePeriodSeconds`, compose's `stop_grace_period`.
   */
  STOP_TIMEOUT_SECONDS: z._default(
    z.pipe(
      durationSeconds,
      z
        .number()
        .check(
          z.minimum(
            FINAL_FLUSH_SECONDS + 1,
            `expected ${FINAL_FLUSH_SECONDS + 1} or more seconds (${FINAL_FLUSH_SECONDS} are kept for the last metrics and spans)`,
          ),
        ),
    ),
    20,
  ),
  METRICS_FLUSH_SECONDS: z._default(durationSeconds, 60),
});

export type ServiceContextSettings = z.output<typeof serviceContextEnv>;
export type ServiceProcessSettings = z.output<typeof serviceProcessEnv>;
