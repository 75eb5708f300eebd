import { awsEnv, durationSeconds, positiveInt } from '@keyless/config';
import { databaseTlsEnv } from '@keyless/db';
import { serviceProcessEnv } from '@keyless/service';
import * as z from 'zod';

/** Everything the reporter reads from its environment, parsed once at start-up. */
export const usageReporterConfigSchema = z.object({
  ...awsEnv.shape,
  ...serviceProcessEnv.shape,
  ...databaseTlsEnv.shape,
  /**
   * The files bucket; reports go under `reports/`. No default: on AWS its name carries the account
   * and Region, and a wrong guess would only fail at the end of a run.
   */
  FILES_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name such as keyless-files'),
  /** The RDS-style secret of the read-only `ledger_reader` database user (a name or an ARN). */
  READER_SECRET_ID: z.string().min(1).default('ledger/reader'),
  /** How far back from the snapshot a report's period reaches: the CronJob's interval. */
  REPORT_PERIOD_HOURS: z._default(
    z.pipe(positiveInt, z.number().max(8_784, 'expected at most 8784 (a year)')),
    24,
  ),
  DB_CONNECT_TIMEOUT_SECONDS: z._default(durationSeconds, 10),
  DB_STATEMENT_TIMEOUT_SECONDS: z._default(durationSeconds, 60),
});

export type UsageReporterConfig = z.output<typeof usageReporterConfigSchema>;
