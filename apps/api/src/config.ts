import { awsEnv, httpUrl, port, positiveInt, secondsBetween } from '@keyless/config';
import { serviceProcessEnv } from '@keyless/service';
import * as z from 'zod';

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
    ...serviceProcessEnv.shape,
    PORT: z._default(port, 8080),
    COGNITO_USER_POOL_ID: userPoolId,
    COGNITO_CLIENT_ID: z.string().regex(/^[0-9a-z]{1,128}$/i, 'expected a Cognito app client id'),
    COGNITO_JWKS_URI: z.optional(httpUrl),
    ACCESS_TOKEN_CACHE_SECONDS: z._default(secondsBetween(0, 300), 60),
    UPLOADS_TABLE: z.string().min(3).default('uploads'),
    FILES_BUCKET: z.string().min(3).default('keyless-files'),
    UPLOAD_URL_EXPIRES_SECONDS: z._default(secondsBetween(1, 3600), 300),
    REPORT_URL_EXPIRES_SECONDS: z._default(secondsBetween(1, 3600), 300),
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
    /** Serving on after SIGTERM while /readyz fails, so a load balancer can notice; part of STOP_TIMEOUT_SECONDS. */
    DRAIN_DELAY_SECONDS: z._default(secondsBetween(0, 300), 10),
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
