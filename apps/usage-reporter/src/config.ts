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
  /**
   * The ledger's RDS Proxy endpoint (host name only). The reporter logs in with an IAM database
   * token signed for `<host>:<port>` and this user: no password, no secret. No default: on AWS it
   * is the proxy's DNS name, which only the deployment knows.
   */
  LEDGER_PROXY_HOST: z
    .string()
    .regex(
      /^[A-Za-z0-9.-]+$/,
      'expected a host name such as keyless-ledger.proxy-abc.eu-west-1.rds.amazonaws.com',
    ),
  LEDGER_PROXY_PORT: z._default(
    z.pipe(positiveInt, z.number().max(65_535, 'expected a port (at most 65535)')),
    5432,
  ),
  LEDGER_DB_NAME: z.string().min(1).default('ledger'),
  /** The read-only database user; the role's `rds-db:connect` grant names exactly this one. */
  LEDGER_DB_USER: z.string().min(1).default('ledger_reader'),
  /** How far back from the snapshot a report's period reaches: the CronJob's interval. */
  REPORT_PERIOD_HOURS: z._default(
    z.pipe(positiveInt, z.number().max(8_784, 'expected at most 8784 (a year)')),
    24,
  ),
  DB_CONNECT_TIMEOUT_SECONDS: z._default(durationSeconds, 10),
  DB_STATEMENT_TIMEOUT_SECONDS: z._default(durationSeconds, 60),
});

export type UsageReporterConfig = z.output<typeof usageReporterConfigSchema>;
