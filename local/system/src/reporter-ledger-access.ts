// What the demo checks after the reporter's run, from the local trail: it reached the ledger
// through the proxy with an IAM token of its own role (rds-db:connect allowed, on which dbuser),
// and it read no secret — the mechanism the worker uses is not the reporter's.
import { readTrail, type CloudTrailRecord } from '@keyless/permission-gate';

export interface ReporterLedgerAccess {
  connect: CloudTrailRecord | undefined;
  secretReads: CloudTrailRecord[];
}

export async function reporterLedgerAccess(trailFile: string, since: Date): Promise<ReporterLedgerAccess> {
  const records = await readTrail(trailFile, { role: 'usage-reporter', since });
  return {
    connect: records.find(
      (record) =>
        record.eventSource === 'rds-db.amazonaws.com' &&
        record.eventName === 'connect' &&
        record.additionalEventData.decision === 'allowed',
    ),
    secretReads: records.filter(
      (record) =>
        record.eventSource === 'secretsmanager.amazonaws.com' && record.eventName === 'GetSecretValue',
    ),
  };
}
