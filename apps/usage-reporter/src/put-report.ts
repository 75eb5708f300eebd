import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { UsageReport } from './usage-report.ts';

/**
 * Writes the report under its own key, create-only (`If-None-Match: *`): a published report is
 * never replaced, whatever runs at the same time.
 */
export async function putReport(
  s3: S3Client,
  bucket: string,
  key: string,
  report: UsageReport,
): Promise<number> {
  const body = `${JSON.stringify(report, null, 2)}\n`;
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: 'application/json',
      IfNoneMatch: '*',
    }),
  );
  return Buffer.byteLength(body);
}
