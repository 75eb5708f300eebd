import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { uploadMetadata } from '@keyless/contracts';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startProcessorFixture, summary, type ProcessorFixture } from './support/processor-fixture.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { systemNeeds } from '@keyless/local-system';

emulatorSuite(systemNeeds, () => {
  let fixture: ProcessorFixture;
  beforeAll(async () => {
    // The memory size the CDK app gives the function.
    fixture = await startProcessorFixture({ memorySizeMb: 512, timeoutSeconds: 300 });
  });
  afterAll(() => fixture?.stop());

  const owner = 'c3d4e5f6-0000-4000-8000-00000000cafe';
  const OBJECT_BYTES = 200 * 1024 * 1024;
  const CHUNK_BYTES = 1024 * 1024;
  /**
   * The bound on the function's peak RSS: half its memory size. Holding the object would take the
   * process's baseline (about 100 MiB: Node.js, the bundle, the telemetry SDK) plus 200 MiB for the
   * bytes alone, more with a copy. Streamed, the peak is the baseline plus the chunks V8 has not
   * collected yet, which levels off whatever the object's size: measured 176 MiB for 50 MiB,
   * 197-202 MiB for 200 MiB and 196 MiB for 400 MiB.
   */
  const RSS_BOUND_MB = 256;

  test('a 200 MiB object is fingerprinted with bounded memory and the right sha256', async () => {
    const upload = await fixture.createUpload(owner, 'large.bin', OBJECT_BYTES);
    // One streamed PUT, as a client does with its presigned URL: generated chunk by chunk and hashed
    // as it goes, so the test never holds the object either. (Not multipart: moto notifies a
    // multipart upload twice, as ObjectCreated:Put and ObjectCreated:CompleteMultipartUpload.)
    const hash = createHash('sha256');
    const body = Readable.from(
      (function* () {
        for (let offset = 0; offset < OBJECT_BYTES; offset += CHUNK_BYTES) {
          const chunk = randomBytes(Math.min(CHUNK_BYTES, OBJECT_BYTES - offset));
          hash.update(chunk);
          yield chunk;
        }
      })(),
    );
    await fixture.admin.s3.send(
      new PutObjectCommand({
        Bucket: fixture.bucket,
        Key: upload.key,
        Body: body,
        ContentLength: OBJECT_BYTES,
        Metadata: uploadMetadata(upload),
      }),
    );
    const sha256 = hash.digest('hex');

    const [report, ...more] = await fixture.invocationsFor(upload.key, 1, 280_000);
    expect(more).toEqual([]);
    expect(report).toMatchObject({ status: 'success', memorySizeMb: 512 });
    expect(summary(report).records).toEqual([
      {
        key: upload.key,
        outcome: 'processed',
        bytes: OBJECT_BYTES,
        sha256,
        contentType: 'application/octet-stream',
      },
    ]);
    expect(await fixture.item(owner, upload.uploadId)).toMatchObject({
      status: 'PROCESSED',
      bytes: OBJECT_BYTES,
      sha256,
    });
    expect(report.maxMemoryUsedMb).toBeLessThan(RSS_BOUND_MB);
  });
});
