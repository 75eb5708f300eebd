import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  parseReportKey,
  parseReportPointer,
  REPORT_POINTER_KEY,
  reportPointer,
  type ParsedReportPointer,
} from '@keyless/contracts';
import { isConditionFailure } from './condition-failure.ts';

export type LatestOutcome =
  /** There was no pointer; this run's report is the first. */
  | 'created'
  /** The pointer named an older report and now names this run's. */
  | 'replaced'
  /** The pointer already names a report as new as this run's or newer; it was left alone. */
  | 'kept-newer';

export interface PointerLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface PublishLatestOptions {
  s3: S3Client;
  bucket: string;
  /** The report this run has just written. */
  key: string;
  logger: PointerLogger;
  /** Rounds of read-compare-write before giving up. Default 5. */
  maxAttempts?: number;
}

interface Pointer {
  etag: string;
  named: ParsedReportPointer;
}

/**
 * Points the report pointer (`reports/latest.json`, which the api reads) at `key` unless it already
 * names a newer report, with conditional writes only, so two runs at once can neither corrupt the
 * pointer nor move it backwards:
 *
 * 1. Create it with `If-None-Match: *`. GetObject cannot tell "absent" here: without s3:ListBucket
 *    (which this role rightly lacks) S3 answers 403, not 404, for a missing key.
 * 2. It exists: read it with its ETag, and stop if what it names is as new or newer.
 * 3. Replace it with `If-Match: <that ETag>`. If another run changed it since step 2, S3 refuses
 *    (412) and the round starts again with what that run wrote.
 */
export async function publishLatest(options: PublishLatestOptions): Promise<LatestOutcome> {
  const { s3, bucket, key, logger, maxAttempts = 5 } = options;
  const ours = parseReportKey(key)?.periodEnd;
  if (!ours) throw new Error(`${key} is not a report key`);
  const body = reportPointer(key);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (await putPointer(s3, bucket, body, { IfNoneMatch: '*' })) return 'created';
    const current = await readPointer(s3, bucket);
    // Deleted between the two calls: create it in the next round.
    if (!current) continue;
    if (!current.named.ok) {
      logger.warn(
        { pointer: REPORT_POINTER_KEY, reason: current.named.reason },
        'the latest pointer names no report; replacing it',
      );
    } else {
      const theirs = current.named;
      if (theirs.periodEnd > ours || (theirs.periodEnd.getTime() === ours.getTime() && theirs.key >= key))
        return 'kept-newer';
    }
    if (await putPointer(s3, bucket, body, { IfMatch: current.etag })) return 'replaced';
    logger.info(
      { pointer: REPORT_POINTER_KEY, attempt },
      'the latest pointer changed while being replaced; reading it again',
    );
  }
  throw new Error(
    `${REPORT_POINTER_KEY} kept changing under this run; gave up after ${maxAttempts} attempts`,
  );
}

/** True if written, false if S3 refused the condition. */
async function putPointer(
  s3: S3Client,
  bucket: string,
  body: string,
  condition: { IfNoneMatch: '*' } | { IfMatch: string },
): Promise<boolean> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: REPORT_POINTER_KEY,
        Body: body,
        ContentType: 'application/json',
        // Every reader must see a replacement at once.
        CacheControl: 'no-cache',
        ...condition,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

async function readPointer(s3: S3Client, bucket: string): Promise<Pointer | undefined> {
  try {
    const { Body, ETag } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: REPORT_POINTER_KEY }));
    if (!ETag) throw new Error(`GetObject ${REPORT_POINTER_KEY} returned no ETag`);
    return { etag: ETag, named: parseReportPointer((await Body?.transformToString()) ?? '') };
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}
