// Reading the trail back: the records of a file (or of every file of a directory) that pass the
// filters, streamed line by line so that a day of calls is never held as one string.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { CloudTrailRecord } from './cloudtrail-record.ts';
import { eventSourceOf, servicePrefixOf } from './event-classes.ts';
import { trailFilesIn } from './trail-files.ts';

export interface TrailFilters {
  /** A role's name or ARN, a session name, `role/session`, or an assumed-role ARN; case-insensitive. */
  role?: string;
  /** Only what the gate or the identity plane refused. */
  denied?: boolean;
  /** Only records at or after this time. */
  since?: Date;
  /** `s3` or `s3.amazonaws.com`. */
  service?: string;
  /** `s3:GetObject`, or `GetObject` for that operation on any service; case-insensitive. */
  action?: string;
}

export interface ReadTrailOptions {
  /** Called for a line that is not a record (a line cut short by a crash, say); it is skipped. */
  onInvalidLine?: (file: string, lineNumber: number) => void;
}

// Codes with which AWS refuses a caller, for records written without the gate's own decision.
const refusals = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidIdentityToken',
  'IDPRejectedClaim',
  'MissingAuthenticationToken',
]);

export function isDenied(record: CloudTrailRecord): boolean {
  const decision = record.additionalEventData?.decision;
  if (decision !== undefined) return decision === 'denied';
  return record.errorCode !== undefined && refusals.has(record.errorCode);
}

const lower = (value: string | undefined) => value?.toLowerCase();

/** The names a role filter may match: the caller's role and session, or the role an STS call asks for. */
function roleNames(record: CloudTrailRecord): string[] {
  const names: (string | undefined)[] = [];
  const { userIdentity, requestParameters } = record;
  const issuer = userIdentity.sessionContext?.sessionIssuer;
  if (issuer) {
    const sessionName = userIdentity.principalId?.split(':').slice(1).join(':');
    names.push(
      issuer.userName,
      issuer.arn,
      userIdentity.arn,
      sessionName,
      `${issuer.userName}/${sessionName}`,
    );
  }
  const requested = requestParameters?.roleArn ?? requestParameters?.RoleArn;
  if (typeof requested === 'string') names.push(requested, requested.split('/').at(-1));
  return names.filter((name): name is string => Boolean(name)).map((name) => name.toLowerCase());
}

export function matchesTrailFilters(record: CloudTrailRecord, filters: TrailFilters): boolean {
  if (filters.denied && !isDenied(record)) return false;
  if (filters.since && !(Date.parse(record.eventTime) >= filters.since.getTime())) return false;
  if (filters.service && lower(eventSourceOf(filters.service)) !== lower(record.eventSource)) return false;
  if (filters.action) {
    const [service, operation] = filters.action.includes(':')
      ? filters.action.split(':', 2)
      : [undefined, filters.action];
    if (lower(operation) !== lower(record.eventName)) return false;
    if (service !== undefined && lower(service) !== lower(servicePrefixOf(record.eventSource))) return false;
  }
  if (filters.role && !roleNames(record).includes(filters.role.toLowerCase())) return false;
  return true;
}

async function* recordsOf(file: string, options: ReadTrailOptions): AsyncGenerator<CloudTrailRecord> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      record = undefined;
    }
    if (record !== null && typeof record === 'object' && 'eventName' in record && 'userIdentity' in record) {
      yield record as CloudTrailRecord;
    } else options.onInvalidLine?.(file, lineNumber);
  }
}

/** The records of `path` (a file, or a directory whose `.jsonl` files are read oldest first) that pass `filters`. */
export async function readTrail(
  path: string,
  filters: TrailFilters = {},
  options: ReadTrailOptions = {},
): Promise<CloudTrailRecord[]> {
  const files = (await stat(path)).isDirectory() ? await trailFilesIn(path) : [path];
  const records: CloudTrailRecord[] = [];
  for (const file of files) {
    for await (const record of recordsOf(file, options)) {
      if (matchesTrailFilters(record, filters)) records.push(record);
    }
  }
  return records;
}
