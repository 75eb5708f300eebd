import type { UploadsItem } from '@keyless/contracts';
import { describe, expect, test } from 'vitest';
import { decideRecord, type ObservedObject } from './decide-record.ts';

const key = 'incoming/sub-1/up-1';
const object = (overrides: Partial<ObservedObject> = {}): ObservedObject => ({
  key,
  address: { ownerSub: 'sub-1', uploadId: 'up-1' },
  eTag: 'etag-2',
  owner: 'sub-1',
  uploadIdMetadata: 'up-1',
  fingerprint: { bytes: 3, sha256: 'a'.repeat(64), contentType: 'text/plain' },
  ...overrides,
});
const pending: UploadsItem = {
  ownerSub: 'sub-1',
  uploadId: 'up-1',
  status: 'PENDING',
  objectKey: key,
  declaredBytes: 3,
};
const processed = (overrides: Partial<UploadsItem> = {}): UploadsItem => ({
  ...pending,
  status: 'PROCESSED',
  objectETag: 'etag-1',
  ...overrides,
});
const seq = (digit: string) => digit.padEnd(64, '0');

describe('decideRecord', () => {
  test('a PENDING item is completed, guarded on still being PENDING', () => {
    expect(decideRecord(pending, object())).toEqual({
      write: true,
      status: 'PROCESSED',
      guard: { kind: 'pending' },
    });
  });

  test('no item: recorded as REJECTED, only if it still does not exist', () => {
    expect(decideRecord(undefined, object())).toEqual({
      write: true,
      status: 'REJECTED',
      reason: 'no-upload-record',
      guard: { kind: 'absent' },
    });
  });

  test.each([
    ['owner metadata of someone else', object({ owner: 'sub-2' }), 'owner-mismatch'],
    ['no owner metadata', object({ owner: undefined }), 'owner-mismatch'],
    ['upload-id metadata of another upload', object({ uploadIdMetadata: 'up-9' }), 'owner-mismatch'],
    ['another key than the upload URL was for', object({ key: 'incoming/sub-1/up-1/b.txt' }), 'key-mismatch'],
    [
      'another size than declared',
      object({ fingerprint: { bytes: 4, sha256: 'b'.repeat(64), contentType: 'text/plain' } }),
      'size-mismatch',
    ],
  ])('%s: REJECTED, not trusted', (_case, observed, reason) => {
    expect(decideRecord(pending, observed)).toMatchObject({ write: true, status: 'REJECTED', reason });
  });

  test('the object already recorded: a duplicate, nothing written', () => {
    expect(decideRecord(processed({ objectETag: 'etag-2' }), object())).toEqual({
      write: false,
      outcome: 'duplicate',
    });
    expect(decideRecord(processed({ objectETag: 'etag-2', status: 'REJECTED' }), object())).toEqual({
      write: false,
      outcome: 'duplicate',
    });
  });

  test('with sequencers, only a later event replaces the record', () => {
    const recorded = processed({ objectSequencer: seq('5') });
    expect(decideRecord(recorded, object({ sequencer: seq('6') }))).toMatchObject({
      write: true,
      guard: { kind: 'older-sequencer' },
    });
    expect(decideRecord(recorded, object({ sequencer: seq('4') }))).toEqual({
      write: false,
      outcome: 'superseded',
    });
  });

  test('without sequencers, a different current object replaces the record only while it is unchanged', () => {
    expect(decideRecord(processed(), object())).toMatchObject({
      write: true,
      guard: { kind: 'same-etag', eTag: 'etag-1' },
    });
  });

  test('an event without a sequencer cannot replace a record ordered by one', () => {
    expect(decideRecord(processed({ objectSequencer: seq('5') }), object())).toEqual({
      write: false,
      outcome: 'superseded',
    });
  });
});
