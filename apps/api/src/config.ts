import { awsEnv, durationSeconds, httpUrl, port, positiveInt, serviceEnv } from '@keyless/config';
import * as z from 'zod';

const seconds = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, `expected a whole number of seconds between 0 and ${max}`)
    .transform(Number)
    .pipe(z.number().max(max, `expected a whole number of seconds between 0 and ${max}`));

const userPoolId = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+_[0-9A-Za-z]+$/, 'expected a Cognito user pool id such as eu-west-1_AbC123');

const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()))
  .pipe(z.array(z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'expected MIME types such as image/png')).min(1));

export const apiConfigSchema = z
  .object({
    ...awsEnv.shape,
    ...serviceEnv.shape,
    PORT: z._default(port, 8080),
    COGNITO_USER_POOL_ID: userPoolId,
    COGNITO_CLIENT_ID: z.string().regex(/^[0-9a-z]{1,128}$/i, 'expected a Cognito app client id'),
    COGNITO_JWKS_URI: z.optional(httpUrl),
    ACCESS_TOKEN_CACHE_SECONDS: seconds(300).default(60),
    UPLOADS_TABLE: z.string().min(3).default('uploads'),
    FILES_BUCKET: z.string().min(3).default('keyless-files'),
    UPLOAD_URL_EXPIRES_SECONDS: seconds(3600).pipe(z.number().min(1)).default(300),
    REPORT_URL_EXPIRES_SECONDS: seconds(3600).pipe(z.number().min(1)).default(300),
    MAX_UPLOAD_BYTES: z._default(positiveInt, 10 * 1024 * 1024),
    ALLOWED_CONTENT_TYPES: commaList.default([
      'application/json',
      'application/pdf',
      'image/jpeg',
      'image/png',
      'text/csv',
      'text/plain',
    ]),
    UPLOADS_PER_MINUTE: z._default(positiveInt, 30),
    DRAIN_DELAY_SECONDS: seconds(300).default(10),
    STOP_TIMEOUT_SECONDS: z._default(durationSeconds, 30),
    METRICS_NAMESPACE: z.string().min(1).default('keyless'),
    METRICS_FLUSH_INTERVAL_SECONDS: z._default(durationSeconds, 60),
  })
  .transform((config) => ({
    ...config,
    // The real Cognito URL unless overridden (locally: the emulator's). Verification is the same either way.
    COGNITO_JWKS_URI:
      config.COGNITO_JWKS_URI ?? `${cognitoIssuer(config.COGNITO_USER_POOL_ID)}/.well-known/jwks.json`,
  }))
  .refine((config) => config.DRAIN_DELAY_SECONDS < config.STOP_TIMEOUT_SECONDS, {
    path: ['DRAIN_DELAY_SECONDS'],
    message: 'must be shorter than STOP_TIMEOUT_SECONDS',
  });

export type ApiConfig = z.output<typeof apiConfigSchema>;

/** The issuer Cognito writes into `iss` for a pool (the region is part of the pool id). */
export function cognitoIssuer(poolId: string): string {
  return `https://cognito-idp.${poolId.split('_')[0]}.amazonaws.com/${poolId}`;
}
