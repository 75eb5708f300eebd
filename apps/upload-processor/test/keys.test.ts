import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  eventually,
  startProcessorFixture,
  summary,
  type ProcessorFixture,
} from './support/processor-fixture.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { systemNeeds } from '@keyless/local-system';

emulatorSuite(systemNeeds, () => {
  let fixture: ProcessorFixture;
  beforeAll(async () => {
    fixture = await startProcessorFixture();
  });
  afterAll(() => fixture?.stop());

  const owner = 'a1b2c3d4-0000-4000-8000-00000000abcd';
  const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

  /** The segment that makes `incoming/<owner>/<segment>` exactly `bytes` UTF-8 bytes long. */
  function segmentForKeyOfBytes(bytes: number): string {
    const rest = bytes - Buffer.byteLength(`incoming/${owner}/`) - '.txt'.length;
    return `${'ü'.repeat(Math.floor(rest / 2))}${'a'.repeat(rest % 2)}.txt`;
  }

  /** The item once recorded (moto may show an item it is still creating with its key alone). */
  const until = (uploadId: string, what: string) =>
    eventually(async () => {
      const current = await fixture.item(owner, uploadId);
      return ['PROCESSED', 'REJECTED'].includes(String(current?.status)) && current;
    }, what);

  describe('an upload with a real file name', () => {
    // The api makes keys from ids only; the name lives on the item, and this function leaves it be.
    const filename =
      "report (final) [v2] 100% #1 & co's \u{1F469}\u200D\u{1F469}\u200D\u{1F467} cafe\u0301.pdf";

    test('is processed under incoming/<owner>/<uploadId>, its name untouched, byte for byte', async () => {
      const body = 'named\n';
      const upload = await fixture.createUpload(owner, filename, Buffer.byteLength(body));
      expect(upload.key).toBe(`incoming/${owner}/${upload.uploadId}`);
      await fixture.putObject(upload.key, body, { owner, 'upload-id': upload.uploadId });
      const item = await until(upload.uploadId, 'the processed item');
      expect(item).toMatchObject({ status: 'PROCESSED', objectKey: upload.key, sha256: sha256(body) });
      expect(Buffer.from(String(item.filename))).toEqual(Buffer.from(filename));
      const message = await eventually(
        async () => (await fixture.ledgerMessages()).find((m) => m.body.uploadId === upload.uploadId),
        'the ledger message',
      );
      expect(message.body.key).toBe(upload.key);
    });
  });

  // Keys the api never issues (someone with write access to the bucket): S3 form-encodes them in the
  // event, and the function must still decode each to its exact bytes before it refuses it. The odd
  // part sits where the upload id goes, so each is recorded as a REJECTED item under its exact key.
  const keys: [string, string][] = [
    ['a space', 'red flower.jpg'],
    ['a plus', 'a+b.txt'],
    ['a percent sign', '100%.txt'],
    ['é in NFC', '\u00e9.txt'],
    ['é in NFD', 'e\u0301.txt'],
    ['an emoji', '\u{1F4F7} photo.png'],
    ['a 900-byte key', segmentForKeyOfBytes(900)],
  ];

  describe('object keys the api never issues: each decoded to its exact bytes', () => {
    const written = new Map<string, string>();

    beforeAll(async () => {
      for (const [label, segment] of keys) {
        const key = `incoming/${owner}/${segment}`;
        await fixture.putObject(key, `contents of ${label}\n`, { owner });
        written.set(label, key);
      }
    });

    test.each(keys)('%s', async (label, segment) => {
      const key = written.get(label) ?? '';
      if (label === 'a 900-byte key') expect(Buffer.byteLength(key)).toBe(900);
      const item = await until(segment, `the item of ${label}`);
      // The item addressed by the decoded key, recording that key byte for byte.
      expect(item).toMatchObject({ status: 'REJECTED', statusReason: 'no-upload-record' });
      expect(Buffer.from(String(item.objectKey))).toEqual(Buffer.from(key));
      const [report, ...more] = await fixture.invocationsFor(key);
      expect(more).toEqual([]);
      expect(summary(report).records).toEqual([{ key, outcome: 'rejected', reason: 'no-upload-record' }]);
    });

    test('the NFC and NFD spellings stay two different items and keys', async () => {
      const recorded = async (segment: string) =>
        Buffer.from(String((await fixture.item(owner, segment))?.objectKey));
      expect(await recorded('\u00e9.txt')).toEqual(Buffer.from(`incoming/${owner}/\u00e9.txt`));
      expect(await recorded('e\u0301.txt')).toEqual(Buffer.from(`incoming/${owner}/e\u0301.txt`));
      expect((await recorded('e\u0301.txt')).subarray(-7)).toEqual(
        Buffer.from([0x65, 0xcc, 0x81, 0x2e, 0x74, 0x78, 0x74]),
      );
    });
  });

  describe('events that are not uploads', () => {
    test('the s3:TestEvent S3 sent when the trigger was configured was handled without error', async () => {
      const report = await eventually(
        () => fixture.reports.find((r) => (r.event as { Event?: string }).Event === 's3:TestEvent'),
        'the test event',
      );
      expect(report).toMatchObject({ status: 'success', attempt: 1 });
      expect(fixture.output.some((line) => line.includes('"reason":"s3:TestEvent"'))).toBe(true);
    });

    test('a zero-byte "folder/" placeholder is ignored: no item, no ledger message, no error', async () => {
      const key = `incoming/${owner}/folder/`;
      await fixture.putObject(key, '', {});
      const [report] = await fixture.invocationsFor(key);
      expect(report).toMatchObject({ status: 'success' });
      expect(summary(report).records).toEqual([{ key, outcome: 'ignored', reason: 'folder placeholder' }]);
      expect(await fixture.item(owner, 'folder')).toBeUndefined();
      expect((await fixture.ledgerMessages()).filter((m) => m.body.key === key)).toEqual([]);
      expect(await fixture.failureRecords()).toEqual([]);
    });
  });

  describe('traces and metrics', () => {
    test('the record span links to the uploader’s trace from the object metadata, and the ledger message continues it', async () => {
      const uploaderTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
      const traceparent = `00-${uploaderTrace}-00f067aa0ba902b7-01`;
      const body = 'traced\n';
      const upload = await fixture.createUpload(owner, 'traced.txt', body.length);
      await fixture.putObject(upload.key, body, { owner, 'upload-id': upload.uploadId, traceparent });
      const message = await eventually(
        async () => (await fixture.ledgerMessages()).find((m) => m.body.uploadId === upload.uploadId),
        'the ledger message',
      );
      const span = await eventually(
        () =>
          fixture
            .spans()
            .find((s) => s.name === 'upload-processor record' && s.attributes['aws.s3.key'] === upload.key),
        'the record span',
      );
      expect(span.traceId).not.toBe(uploaderTrace);
      expect(span.links).toEqual([
        expect.objectContaining({ traceId: uploaderTrace, spanId: '00f067aa0ba902b7' }),
      ]);
      expect(span.kind).toBe('CONSUMER');
      expect(message.attributes?.traceparent?.StringValue).toMatch(
        new RegExp(`^00-${span.traceId}-${span.spanId}-01$`),
      );
    });

    test('a cold start is visible (init duration, ColdStart metric) and warm environments are reused', () => {
      const cold = fixture.reports.filter((r) => r.initDurationMs !== undefined);
      const warm = fixture.reports.filter((r) => r.initDurationMs === undefined);
      expect(cold.length).toBeGreaterThanOrEqual(1);
      expect(cold.length).toBeLessThanOrEqual(2); // the runtime's concurrency
      expect(warm.length).toBeGreaterThan(0);
      const coldStartMetrics = fixture.output.filter((line) => line.includes('"ColdStart":1'));
      expect(coldStartMetrics).toHaveLength(cold.length);
      expect(fixture.output.some((line) => line.includes('"ProcessedBytes"'))).toBe(true);
    });
  });
});
