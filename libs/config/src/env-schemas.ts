// Written with zod/mini, Zod's tree-shakable form, so that a Lambda bundle using them carries ~20 KiB
// of Zod instead of ~100 KiB (bench:lambda). They plug into classic Zod schemas too:
// `z.object({ ...awsEnv.shape, PORT: z._default(port, 8080), URL: z.optional(httpUrl) })`.
import * as z from 'zod/mini';

function intFromString(min: number, max: number, problem: string) {
  return z.pipe(
    z.pipe(z.string().check(z.regex(/^\d+$/, problem)), z.transform(Number)),
    z.number().check(z.minimum(min, problem), z.maximum(max, problem)),
  );
}

/** TCP port from a string: "8080" → 8080. */
export const port = intFromString(1, 65_535, 'expected an integer between 1 and 65535');

/** Whole number ≥ 1 from a string. */
export const positiveInt = intFromString(1, Number.MAX_SAFE_INTEGER, 'expected a whole number of 1 or more');

/** A duration in whole seconds (≥ 1) from a string: "30" → 30. */
export const durationSeconds = intFromString(
  1,
  Number.MAX_SAFE_INTEGER,
  'expected a whole number of seconds, 1 or more',
);

/** A duration in whole seconds from `min` to `max` (0 allowed where `min` is 0): "20" → 20. */
export const secondsBetween = (min: number, max: number) =>
  intFromString(min, max, `expected a whole number of seconds from ${min} to ${max}`);

/** An http:// or https:// URL, kept as a string. */
export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

/** Exactly "true", "false", "1" or "0" → boolean. */
export const booleanFromString = z.stringbool({
  truthy: ['true', '1'],
  falsy: ['false', '0'],
  case: 'sensitive',
  error: 'expected true, false, 1 or 0',
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A pino level name, default "info". */
export const logLevel = z._default(
  z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }),
  'info',
);
export type LogLevel = z.output<typeof logLevel>;

const DEPLOY_ENVS = ['local', 'dev', 'prod'] as const;

/** Where the app runs, default "local". Used as a label (metrics dimension, log field), never for branching. */
export const deployEnv = z._default(
  z.enum(DEPLOY_ENVS, { error: `expected one of ${DEPLOY_ENVS.join(', ')}` }),
  'local',
);
export type DeployEnv = z.output<typeof deployEnv>;

/**
 * The AWS SDK reads these variables itself (region and endpoint overrides); an app parses them only
 * to fail fast on a missing region and to know whether an endpoint override is active.
 */
export const awsEnv = z.object({
  AWS_REGION: z
    .string()
    .check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS Region code such as eu-west-1')),
  AWS_ENDPOINT_URL: z.optional(httpUrl),
  AWS_ENDPOINT_URL_S3: z.optional(httpUrl),
});

/** Settings every service has. */
export const serviceEnv = z.object({
  DEPLOY_ENV: deployEnv,
  LOG_LEVEL: logLevel,
});
