import { booleanFromString, durationSeconds, logLevel, port, positiveInt } from '@keyless/config';
import * as z from 'zod';

const targetList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()))
  .pipe(
    z
      .array(z.url({ protocol: /^http$/, error: 'expected http:// target URLs, comma-separated' }))
      .min(1, 'expected at least one target'),
  );

/** The CLI's settings; names and defaults follow the ALB target group and load balancer attributes. */
export const localAlbConfigSchema = z
  .object({
    /** 127.0.0.1 by default; 0.0.0.0 in a container, where other containers must reach it. */
    ALB_HOST: z.string().min(1).default('127.0.0.1'),
    ALB_PORT: z._default(port, 8080),
    ALB_TARGETS: targetList,
    ALB_HEALTH_CHECK_PATH: z
      .string()
      .regex(/^\/[\x21-\x7e]*$/, 'expected a path such as /readyz')
      .default('/readyz'),
    ALB_HEALTH_CHECK_INTERVAL_SECONDS: z._default(durationSeconds, 5),
    ALB_HEALTH_CHECK_TIMEOUT_SECONDS: z._default(durationSeconds, 2),
    ALB_HEALTHY_THRESHOLD: z._default(positiveInt, 2),
    ALB_UNHEALTHY_THRESHOLD: z._default(positiveInt, 2),
    ALB_IDLE_TIMEOUT_SECONDS: z._default(durationSeconds, 60),
    ALB_DROP_INVALID_HEADER_FIELDS: z._default(booleanFromString, true),
    ALB_ACCESS_LOGS: z._default(booleanFromString, false),
    LOG_LEVEL: logLevel,
  })
  .refine((config) => config.ALB_HEALTH_CHECK_TIMEOUT_SECONDS < config.ALB_HEALTH_CHECK_INTERVAL_SECONDS, {
    path: ['ALB_HEALTH_CHECK_TIMEOUT_SECONDS'],
    message: 'must be shorter than ALB_HEALTH_CHECK_INTERVAL_SECONDS',
  });

export type LocalAlbConfig = z.output<typeof localAlbConfigSchema>;
