// The object keys of the files bucket that one service writes and another reads: upload objects
// (the api signs a URL for the key, the upload-processor reads the key from the S3 event) and usage
// reports (the usage-reporter writes them, the api hands out the one the pointer names).

/** Where upload URLs write, and what the upload-processor is triggered on. */
export const INCOMING_PREFIX = 'incoming/';
export const REPORTS_PREFIX = 'reports/';

/** Which `uploads` item an object belongs to. */
export interface UploadAddress {
  ownerSub: string;
  uploadId: string;
}

const segment = /^[^/]+$/;

/**
 * `incoming/<ownerSub>/<uploadId>`: ids only, never the file name, so the key is the same few
 * ASCII bytes in S3, the event's URL-encoding, the ledger and the signed URL, whatever the name.
 */
export function uploadKey({ ownerSub, uploadId }: UploadAddress): string {
  if (!segment.test(ownerSub) || !segment.test(uploadId)) {
    throw new Error('an owner or upload id that is empty or holds "/" cannot address an upload');
  }
  return `${INCOMING_PREFIX}${ownerSub}/${uploadId}`;
}

/** Undefined for a key that does not have that shape: no upload URL the api issues writes one. */
export function parseUploadKey(key: string): UploadAddress | undefined {
  if (!key.startsWith(INCOMING_PREFIX)) return undefined;
  const [ownerSub, uploadId, ...rest] = key.slice(INCOMING_PREFIX.length).split('/');
  if (!ownerSub || !uploadId || rest.length > 0) return undefined;
  return { ownerSub, uploadId };
}

// Report keys sort by the instant their totals are true as of: the api hands out whatever the
// pointer names, and a run must be able to tell whether that is older than its own.
const reportKeyPattern =
  /^reports\/\d{4}\/\d{2}\/\d{2}\/usage-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z-([0-9a-f]+)\.json$/;

/**
 * `reports/<yyyy>/<mm>/<dd>/usage-<yyyymmddThhmmss.sssZ>-<runId>.json`, dated by the period's end
 * (ISO 8601 basic format, UTC). The run id keeps two runs with the same snapshot time apart.
 */
export function reportKey(periodEnd: Date, runId: string): string {
  if (!/^[0-9a-f]+$/.test(runId)) throw new Error(`run id ${runId} is not lowercase hex`);
  const iso = periodEnd.toISOString();
  const [date = '', time = ''] = iso.split('T');
  const [year, month, day] = date.split('-');
  return `${REPORTS_PREFIX}${year}/${month}/${day}/usage-${date.replaceAll('-', '')}T${time.replaceAll(':', '')}-${runId}.json`;
}

/** The period end and run id of a report key, or undefined for a key `reportKey` did not make. */
export function parseReportKey(key: string): { periodEnd: Date; runId: string } | undefined {
  const match = reportKeyPattern.exec(key);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, millisecond, runId = ''] = match;
  const periodEnd = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${millisecond}Z`);
  if (Number.isNaN(periodEnd.getTime())) return undefined;
  // Made again from what it carries, it must be the same key: a folder that is not the period
  // end's date, or a date the calendar does not have, was not made by `reportKey`.
  return reportKey(periodEnd, runId) === key ? { periodEnd, runId } : undefined;
}
