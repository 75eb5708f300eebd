import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, type S3Client } from '@aws-sdk/client-s3';
import { parseReportPointer, REPORT_POINTER_KEY } from '@keyless/contracts';

/**
 * The key of the latest usage report, or undefined when none has been published (no pointer, or a
 * pointer to an object that is gone). A malformed pointer is an error, not "no report".
 */
export async function findLatestReport(s3: S3Client, bucket: string): Promise<string | undefined> {
  let body: string;
  try {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: REPORT_POINTER_KEY }));
    body = (await Body?.transformToString()) ?? '';
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
  const pointer = parseReportPointer(body);
  if (!pointer.ok) throw new Error(`${REPORT_POINTER_KEY} does not name a report key: ${pointer.reason}`);
  const { key } = pointer;
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
    throw error;
  }
  return key;
}
