// The pointer logic against a real S3 API (the emulator), including the interleavings that only
// concurrent runs produce: another run's write lands between this run's read and its write.
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseReportPointer, REPORT_POINTER_KEY, reportKey } from '@keyless/contracts';
import { adminClients } from '@keyless/local-platform';
import { startTestPlatform, type TestPlatform } from '@keyless/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { publishLatest } from '../src/latest-pointer.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(['s3'], () => {
  let platform: TestPlatform;
  let s3: S3Client;
  let bucket: string;
  let bucketCount = 0;
  const warnings: object[] = [];
  const logger = { info: () => undefined, warn: (details: object) => void warnings.push(details) };

  const keyAt = (iso: string, runId = 'aa') => reportKey(new Date(iso), runId);

  async function pointerBody(): Promise<string> {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: REPORT_POINTER_KEY }));
    return (await Body?.transformToString()) ?? '';
  }
  const pointer = async (): Promise<unknown> => JSON.parse(await pointerBody());

  const publish = (key: string, client: S3Client = s3) => publishLatest({ s3: client, bucket, key, logger });

  /** A client that lets `interloper` run once, just before this client's first If-Match write. */
  function clientWithInterloper(interloper: () => Promise<unknown>): S3Client {
    const client = adminClients({ endpoint: platform.awsEndpoint, region: platform.region }).s3;
    let fired = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { IfMatch?: string };
        if (context.commandName === 'PutObjectCommand' && input.IfMatch && !fired) {
          fired = true;
          await interloper();
        }
        return next(args);
      },
      { step: 'initialize', name: 'interloper' },
    );
    return client;
  }

  beforeAll(async () => {
    platform = await startTestPlatform();
    s3 = adminClients({ endpoint: platform.awsEndpoint, region: platform.region }).s3;
  });
  afterAll(() => platform?.stop());
  beforeEach(async () => {
    bucket = platform.uniqueName(`reports-${++bucketCount}`);
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: platform.region as 'eu-west-1' },
      }),
    );
    warnings.length = 0;
  });

  describe('publishLatest', () => {
    test('creates the pointer in the shape the API reads: {"key": …}', async () => {
      const key = keyAt('2026-07-01T00:00:00.000Z');
      expect(await publish(key)).toBe('created');
      expect(await pointer()).toEqual({ key });
      expect(parseReportPointer(await pointerBody())).toMatchObject({ ok: true, key });
    });

    test('a newer report replaces the pointer; an older one leaves it alone', async () => {
      const older = keyAt('2026-07-01T00:00:00.000Z');
      const newer = keyAt('2026-07-02T00:00:00.000Z');
      await publish(older);
      expect(await publish(newer)).toBe('replaced');
      expect(await publish(older)).toBe('kept-newer');
      expect(await pointer()).toEqual({ key: newer });
    });

    test('the same snapshot time from two runs: the run id decides, the same way for both', async () => {
      const a = keyAt('2026-07-01T00:00:00.000Z', 'aaaa');
      const b = keyAt('2026-07-01T00:00:00.000Z', 'bbbb');
      await publish(b);
      expect(await publish(a)).toBe('kept-newer');
      expect(await publish(b)).toBe('kept-newer');
      expect(await pointer()).toEqual({ key: b });
    });

    test('a newer run that writes between our read and our write wins: ours is refused and we stop', async () => {
      const first = keyAt('2026-07-01T00:00:00.000Z');
      const ours = keyAt('2026-07-02T00:00:00.000Z');
      const newer = keyAt('2026-07-03T00:00:00.000Z');
      await publish(first);
      const client = clientWithInterloper(() => publish(newer));
      expect(await publish(ours, client)).toBe('kept-newer');
      expect(await pointer()).toEqual({ key: newer });
    });

    test('an older run that writes between our read and our write is overtaken on the next round', async () => {
      const first = keyAt('2026-07-01T00:00:00.000Z');
      const older = keyAt('2026-07-02T00:00:00.000Z');
      const ours = keyAt('2026-07-03T00:00:00.000Z');
      await publish(first);
      const client = clientWithInterloper(() => publish(older));
      expect(await publish(ours, client)).toBe('replaced');
      expect(await pointer()).toEqual({ key: ours });
    });

    test('a pointer that names no report is replaced, with a warning', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: REPORT_POINTER_KEY, Body: 'not json' }));
      const key = keyAt('2026-07-01T00:00:00.000Z');
      expect(await publish(key)).toBe('replaced');
      expect(await pointer()).toEqual({ key });
      expect(warnings).toEqual([expect.objectContaining({ pointer: REPORT_POINTER_KEY })]);
    });

    test('refuses a key that is not a report key', async () => {
      await expect(publish('reports/latest.json')).rejects.toThrow('is not a report key');
    });

    test('gives up with a clear error when the pointer keeps changing', async () => {
      await publish(keyAt('2026-07-01T00:00:00.000Z'));
      let round = 0;
      // Before each of our conditional writes, someone writes an ever-older but different pointer
      // (a pointer we cannot parse is never "newer"), so our If-Match always fails.
      const client = adminClients({ endpoint: platform.awsEndpoint, region: platform.region }).s3;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { IfMatch?: string };
          if (context.commandName === 'PutObjectCommand' && input.IfMatch) {
            await s3.send(
              new PutObjectCommand({ Bucket: bucket, Key: REPORT_POINTER_KEY, Body: `garbage ${++round}` }),
            );
          }
          return next(args);
        },
        { step: 'initialize', name: 'interloper' },
      );
      await expect(
        publishLatest({ s3: client, bucket, key: keyAt('2026-07-02T00:00:00.000Z'), logger, maxAttempts: 3 }),
      ).rejects.toThrow(`${REPORT_POINTER_KEY} kept changing under this run; gave up after 3 attempts`);
      expect(round).toBe(3);
    });
  });
});
