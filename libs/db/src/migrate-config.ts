import { awsEnv } from '@keyless/config';
import * as z from 'zod';
import { partial } from 'zod/mini';
import { databaseTlsEnv } from './tls-options.ts';

/**
 * Where the migration step connects, as a user that may create tables and grant on them:
 * DATABASE_URL (a local or CI database), or MIGRATION_SECRET_ID, an RDS-style secret such as the
 * RDS-managed master user secret, read with the default credential chain. Exactly one of the two.
 */
export const migrateEnv = z
  .object({
    ...partial(awsEnv).shape,
    ...databaseTlsEnv.shape,
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
      .optional(),
    MIGRATION_SECRET_ID: z.string().min(1).optional(),
    /** The database to migrate when the secret names another one (RDS master secrets name none). */
    MIGRATION_DATABASE: z.string().min(1).default('ledger'),
  })
  .superRefine((env, context) => {
    if (Boolean(env.DATABASE_URL) === Boolean(env.MIGRATION_SECRET_ID)) {
      context.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'set exactly one of DATABASE_URL and MIGRATION_SECRET_ID',
      });
    }
    if (env.MIGRATION_SECRET_ID && !env.AWS_REGION) {
      context.addIssue({
        code: 'custom',
        path: ['AWS_REGION'],
        message: 'required with MIGRATION_SECRET_ID',
      });
    }
  });

export type MigrateEnv = z.output<typeof migrateEnv>;
