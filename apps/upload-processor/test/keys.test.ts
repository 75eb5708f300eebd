import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  eventually,
  startProcessorFixture,
  summary,
  type ProcessorFixture,
} from './support/processor-fixture.ts';

let fixture: ProcessorFixture;
beforeAll(async () => {
  fixture = await startProcessorFixture();
});
afterAll(() => fixture?.stop());

const owner = 'a1b2c3d4-0000-4000-8000-00000000abcd';
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The file name that makes `incoming/<owner>/<uuid>/<name>` exactly `bytes` UTF-8 bytes long. */
function nameForKeyOfBytes(bytes: number): string {
  const prefixBytes = Buffer.byteLength(`incoming/${owner}/${'0'.repeat(36)}/`);
  const rest = bytes - prefixBytes - '.txt'.length;
  return `${'ü'.repeat(Math.floor(rest / 2))}${'a'.repeat(rest % 2)}.txt`;
}

const names: [string, string][] = [
  ['a space', 'red flower.jpg'],
  ['a plus', 'a+b.txt'],
  ['a percent sign', '100%.txt'],
  ['é in NFC', '\u00e9.txt'],
  ['é in NFD', 'e\u0301.txt'],
  ['an emoji', '\u{1F4F7} photo.png'],
  ['a 900-byte key', nameForKeyOfBytes(900)],
];

describe('object keys: each processed and recorded under its exact key', () => {
  const uploads = new Map<string, { key: string; uploadId: string; body: string }>();

  beforeAll(async () => {
    for (const [label, name] of names) {
      const body = `contents of ${label}\n`;
      const upload = await fixture.createUpload(owner, name, Buffer.byteLength(body));
      await fixture.putObject(upload.key, body, { owner, 'upload-id': upload.uploadId });
      uploads.set(label, { ...upload, body });
    }
  });

  test.each(names)('%s', async (label) => {
    const upload = uploads.get(label);
    if (!upload) throw new Error(label);
    if (label === 'a 900-byte key') expect(Buffer.byteLength(upload.key)).toBe(900);
    const item = await eventually(async () => {
      const current = await fixture.item(owner, upload.uploadId);
      return current?.status !== 'PENDING' && current;
    }, `the item of ${label}`);
    // PROCESSED means the decoded key matched the key the upload was issued for, byte for byte.
    expect(item).toMatchObject({ status: 'PROCESSED', objectKey: upload.key, sha256: sha256(upload.body) });
    // The item is written before the invocation ends; its report follows.
    const [report, ...more] = await fixture.invocationsFor(upload.key);
    expect(more).toEqual([]);
    expect(summary(report).records).toEqual([
      expect.objectContaining({ outcome: 'processed', key: upload.key, sha256: sha256(upload.body) }),
    ]);
    const message = await eventually(
      async () => (await fixture.ledgerMessages()).find((m) => m.body.uploadId === upload.uploadId),
      `the ledger message of ${label}`,
    );
    expect(Buffer.from(message.body.key)).toEqual(Buffer.from(upload.key));
  });

  test('the NFC and NFD names stay different bytes in the recorded keys', async () => {
    const recordedName = async (label: string) => {
      const item = await fixture.item(owner, uploads.get(label)?.uploadId ?? '');
      return Buffer.from(String(item?.objectKey).split('/').at(-1) ?? '');
    };
    expect(await recordedName('é in NFC')).toEqual(Buffer.from([0xc3, 0xa9, 0x2e, 0x74, 0x78, 0x74]));
    expect(await recordedName('é in NFD')).toEqual(Buffer.from([0x65, 0xcc, 0x81, 0x2e, 0x74, 0x78, 0x74]));
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
