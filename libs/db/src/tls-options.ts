import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import * as z from 'zod';

/**
 * How to reach PostgreSQL over TLS. `verify-full` (the default) checks the certificate chain and the
 * host name; RDS certificates chain to the RDS CAs, so point DB_SSL_CA_FILE at the RDS bundle.
 * `disable` is for a database on the same host (the local platform).
 */
export const databaseTlsEnv = z.object({
  DB_SSL_MODE: z
    .enum(['verify-full', 'disable'], { error: 'expected verify-full or disable' })
    .default('verify-full'),
  DB_SSL_CA_FILE: z.string().min(1).optional(),
});

export type DatabaseTlsEnv = z.output<typeof databaseTlsEnv>;

/** The `ssl` setting for pg. */
export function tlsOptions(env: DatabaseTlsEnv): false | ConnectionOptions {
  if (env.DB_SSL_MODE === 'disable') return false;
  return {
    rejectUnauthorized: true,
    ...(env.DB_SSL_CA_FILE && { ca: readFileSync(env.DB_SSL_CA_FILE, 'utf8') }),
  };
}
