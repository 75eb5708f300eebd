import { describe, expect, test } from 'vitest';
import { parseLedgerEvent, type UploadProcessedV1 } from './index.ts';

const valid: UploadProcessedV1 = {
  type: 'upload.processed',
  version: 1,
  idempotencyKey: 'upload.processed:u-1',
  ownerSub: '3f1c2a4e-0000-4000-8000-000000000001',
  uploadId: 'u-1',
  key: 'incoming/3f1c2a4e/u-1',
  bytes: 1024,
  sha256: 'a'.repeat(64),
  contentType: 'text/plain',
  occurredAt: '2026-03-01T10:00:00.000Z',
};

const body = (value: unknown) => JSON.stringify(value);

describe('parseLedgerEvent', () => {
  test('accepts upload.processed v1', () => {
    expect(parseLedgerEvent(body(valid))).toEqual({ ok: true, event: valid });
  });

  test('accepts an offset timestamp and a zero-byte upload', () => {
    const event = { ...valid, bytes: 0, occurredAt: '2026-03-01T11:00:00+01:00' };
    expect(parseLedgerEvent(body(event))).toEqual({ ok: true, event });
  });

  test.each([
    ['not JSON', '{"type":', 'body is not JSON'],
    ['an empty body', '', 'body is not JSON'],
    ['an unknown type', body({ ...valid, type: 'upload.deleted' }), 'type:'],
    ['an unknown version', body({ ...valid, version: 2 }), 'version:'],
    ['a negative size', body({ ...valid, bytes: -1 }), 'bytes:'],
    ['a fractional size', body({ ...valid, bytes: 1.5 }), 'bytes:'],
    ['a size as a string', body({ ...valid, bytes: '1024' }), 'bytes:'],
    ['an uppercase digest', body({ ...valid, sha256: 'A'.repeat(64) }), 'sha256:'],
    ['a timestamp without zone', body({ ...valid, occurredAt: '2026-03-01T10:00:00' }), 'occurredAt:'],
    ['an empty owner', body({ ...valid, ownerSub: '' }), 'ownerSub:'],
    ['a NUL in the key', body({ ...valid, key: 'incoming/a\u0000b' }), 'key: must not contain NUL'],
    ['an unexpected field', body({ ...valid, admin: true }), 'admin'],
    ['a missing field', body({ ...valid, uploadId: undefined }), 'uploadId:'],
    ['an array', body([valid]), '(body)'],
  ])('rejects %s with a reason naming the problem', (_, raw, reason) => {
    const result = parseLedgerEvent(raw);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  test('keeps SQL-looking text as text: validation is about shape, not content', () => {
    const event = { ...valid, uploadId: "u'); DROP TABLE upload_events; --" };
    expect(parseLedgerEvent(body(event))).toEqual({ ok: true, event });
  });
});
