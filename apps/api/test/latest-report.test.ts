// How the api reads the usage-reporter's pointer, on a bucket of this file's own: the pointer the
// admin route serves is shared by every test file, and a malformed one would fail the others' calls.
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { REPORT_POINTER_KEY, reportKey, reportPointer } from '@keyless/contracts';
import { beforeAll, describe, expect, test } from 'vitest';
import { findLatestReport } from '../src/reports/latest-report.ts';
import { admin, directory } from './support/directory.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { apiNeeds } from './support/directory.ts';

emulatorSuite(apiNeeds, () => {
  const bucket = `latest-report-${randomUUID()}`;
  const s3 = () => admin().s3;
  const put = (key: string, body: string) =>
    s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

  beforeAll(async () => {
    await s3().send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: directory().region as BucketLocationConstraint },
      }),
    );
  });

  describe('findLatestReport', () => {
    const key = reportKey(new Date('2026-05-04T09:00:00.000Z'), '0a1b2c3d');

    test('no pointer yet: no report', async () => {
      expect(await findLatestReport(s3(), bucket)).toBeUndefined();
    });

    test('the pointer the reporter writes, to a report that exists: that report', async () => {
      await put(key, '{}');
      await put(REPORT_POINTER_KEY, reportPointer(key));
      expect(await findLatestReport(s3(), bucket)).toBe(key);
    });

    test('a pointer to a report that is gone: no report', async () => {
      await put(REPORT_POINTER_KEY, reportPointer(reportKey(new Date('2026-05-05T09:00:00.000Z'), 'dead')));
      expect(await findLatestReport(s3(), bucket)).toBeUndefined();
    });

    test.each([
      ['a key of an older format', JSON.stringify({ key: 'reports/2026/05/04/usage-20260504T090000Z.json' })],
      ['an upload', JSON.stringify({ key: 'incoming/sub-1/up-1' })],
      ['not JSON', 'reports/2026/05/04/usage.json'],
    ])('a pointer the reporter never writes (%s) is an error, not "no report"', async (_, body) => {
      await put('reports/2026/05/04/usage-20260504T090000Z.json', '{}');
      await put(REPORT_POINTER_KEY, body);
      await expect(findLatestReport(s3(), bucket)).rejects.toThrow(
        `${REPORT_POINTER_KEY} does not name a report key`,
      );
    });
  });
});
