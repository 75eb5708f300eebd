import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, type S3Client } from '@aws-sdk/client-s3';

// What the usage-reporter writes: `reports/latest.json` = {"key": "reports/<yyyy>/<mm>/<dd>/usage-<timestamp>.json"}.
export const latestReportPointerKey = 'reports/latest.json';
const reportKeyPattern = /^reports\/\d{4}\/\d{2}\/\d{2}\/usage-[A-Za-z0-9:._-]+\.json$/;

/**
 * The key of the latest usage report, or undefined when none has been published (no pointer, or a
 * pointer to an object that is gone). A malformed pointer is an error, not "no report".
 */
export async function findLatestReport(s3: S3Client, bucket: string): Promise<string | undefined> {
  let pointer: unknown;
  try {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: latestReportPointerKey }));
    pointer = JSON.parse((await Body?.transformToString()) ?? '');
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
  const key = (pointer as { key?: unknown } | null)?.key;
  if (typeof key !== 'string' || !reportKeyPattern.test(key)) {
    throw new Error(`${latestReportPointerKey} does not name a report key`);
  }
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
    throw error;
  }
  return key;
}
