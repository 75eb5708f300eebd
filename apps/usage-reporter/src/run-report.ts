import { randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { Database } from '@keyless/db';
import { reportKey } from '@keyless/contracts';
import type { Logger } from '@keyless/logging';
import { publishLatest, type LatestOutcome } from './latest-pointer.ts';
import { putReport } from './put-report.ts';
import { readUsage } from './read-usage.ts';
import { step } from './report-step-error.ts';
import { buildUsageReport } from './usage-report.ts';

export interface RunDependencies {
  sts: STSClient;
  s3: S3Client;
  db: Database;
  logger: Logger;
  bucket: string;
  periodHours: number;
}

export interface RunSummary {
  key: string;
  latest: LatestOutcome;
  owners: number;
  bytesWritten: number;
}

/**
 * One run: who am I, read the ledger, write the report, move the latest pointer. Every step can
 * be interrupted (a pod evicted, a deadline reached) without harm: the report is written whole or
 * not at all, and the pointer only ever moves by conditional writes to a complete report.
 */
export async function runUsageReport(deps: RunDependencies): Promise<RunSummary> {
  const { s3, logger, bucket } = deps;
  // The credential chain resolves lazily; asking STS who we are first makes a refused role fail
  // here, with STS's reason, before anything else is tried.
  const identity = await step('credentials', () => deps.sts.send(new GetCallerIdentityCommand({})));
  logger.info({ arn: identity.Arn }, 'credentials resolved');

  const snapshot = await step('read-ledger', () => readUsage(deps.db));
  const report = await step('build-report', async () =>
    buildUsageReport({ snapshot, periodHours: deps.periodHours, generatedAt: new Date() }),
  );
  const key = reportKey(snapshot.asOf, randomBytes(4).toString('hex'));
  const bytesWritten = await step('write-report', () => putReport(s3, bucket, key, report));
  logger.info(
    { key, period: report.period, owners: report.totals.owners, bytes: bytesWritten },
    'report written',
  );

  const latest = await step('update-latest', () => publishLatest({ s3, bucket, key, logger }));
  logger.info(
    { key, latest },
    latest === 'kept-newer' ? 'a newer report is already latest' : 'latest report updated',
  );
  return { key, latest, owners: report.totals.owners, bytesWritten };
}
