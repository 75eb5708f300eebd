import { awsEnv, durationSeconds, httpUrl, port, positiveInt, secondsBetween } from '@keyless/config';
import { databaseTlsEnv } from '@keyless/db';
import { serviceProcessEnv } from '@keyless/service';
import * as z from 'zod';

/** Everything the worker reads from its environment, parsed once at start-up. */
export const ledgerWorkerConfigSchema = z.object({
  ...awsEnv.shape,
  ...serviceProcessEnv.shape,
  ...databaseTlsEnv.shape,
  /** The `ledger-events` queue. */
  QUEUE_URL: httpUrl,
  /** The RDS-style secret of the `ledger_writer` database user. */
  WRITER_SECRET_ID: z.string().min(1).default('ledger/writer'),
  /** Messages processed at once (and database connections). */
  CONCURRENCY: z._default(z.pipe(positiveInt, z.number().max(100, 'expected at most 100')), 10),
  /** Long-polling wait; SQS allows up to 20. */
  WAIT_TIME_SECONDS: z._default(secondsBetween(0, 20), 20),
  /** How long a received message stays invisible; extended while it is still being worked on. */
  VISIBILITY_TIMEOUT_SECONDS: z._default(secondsBetween(2, 43_200), 60),
  /** A failed message becomes visible again after this, doubling per receive up to the maximum. */
  RETRY_BASE_DELAY_SECONDS: z._default(secondsBetween(0, 43_200), 2),
  RETRY_MAX_DELAY_SECONDS: z._default(secondsBetween(0, 43_200), 60),
  SECRET_TTL_SECONDS: z._default(durationSeconds, 300),
  SECRET_FORCED_REFRESH_INTERVAL_SECONDS: z._default(secondsBetween(0, 3_600), 10),
  DB_CONNECT_TIMEOUT_SECONDS: z._default(durationSeconds, 5),
  HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  HEALTH_PORT: z._default(port, 8080),
});

export type LedgerWorkerConfig = z.output<typeof ledgerWorkerConfigSchema>;
