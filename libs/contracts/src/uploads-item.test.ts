import { describe, expect, test } from 'vitest';
import {
  issuedUpload,
  parseUploadsItem,
  recordedAttributeNames,
  recordedUpload,
  uploadKey,
  type RecordedAttributes,
  type UploadsItem,
} from './index.ts';

// A DynamoDB item is JSON-like: what was written is what a reader gets, as far as these types go.
const stored = (item: unknown): unknown => JSON.parse(JSON.stringify(item));

const address = {
  ownerSub: '3f1c2a4e-7b8d-4e2f-9a01-23456789abcd',
  uploadId: '0198c6a2-4f1e-7c3b-8d2a-1b2c3d4e5f60',
};
const issuing = {
  ...address,
  filename: 'café 📷.jpg',
  contentType: 'image/jpeg',
  declaredBytes: 1024,
  createdAt: new Date('2026-07-14T09:00:00.000Z'),
};
const issued = issuedUpload(issuing);
const fingerprint = { bytes: 1024, sha256: 'a'.repeat(64), contentType: 'image/jpeg' };
const object = { eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0A'.padEnd(64, '0') };
const processedAt = new Date('2026-07-14T09:00:05.000Z');
const record = (status: 'PROCESSED' | 'REJECTED', reason?: RecordedAttributes['statusReason']) =>
  recordedUpload({ status, reason, fingerprint, object, processedAt });

describe('the uploads item: the api creates it, the upload-processor completes it, both read it', () => {
  test('the api creates it PENDING, for the key its upload URL writes', () => {
    expect(issued).toEqual({
      ...address,
      status: 'PENDING',
      filename: 'café 📷.jpg',
      contentType: 'image/jpeg',
      declaredBytes: 1024,
      objectKey: uploadKey(address),
      createdAt: '2026-07-14T09:00:00.000Z',
    });
    expect(parseUploadsItem(stored(issued))).toEqual(issued);
  });

  test('completed by the upload-processor, it is read back with both halves', () => {
    const completed = { ...issued, ...record('PROCESSED') };
    expect(parseUploadsItem(stored(completed))).toEqual({
      ...issued,
      status: 'PROCESSED',
      bytes: 1024,
      sha256: 'a'.repeat(64),
      detectedContentType: 'image/jpeg',
      objectETag: object.eTag,
      objectSequencer: object.sequencer,
      processedAt: '2026-07-14T09:00:05.000Z',
    });
  });

  test.each(['owner-mismatch', 'key-mismatch', 'size-mismatch'] as const)(
    'rejected (%s) by the upload-processor, it keeps what the api issued and says why',
    (reason) => {
      const rejected = parseUploadsItem(stored({ ...issued, ...record('REJECTED', reason) }));
      expect(rejected).toMatchObject({ status: 'REJECTED', statusReason: reason, filename: issued.filename });
    },
  );

  test('an object no URL was issued for: created REJECTED by the upload-processor, without the api half', () => {
    const item = { ...address, objectKey: uploadKey(address), ...record('REJECTED', 'no-upload-record') };
    expect(parseUploadsItem(stored(item))).toEqual(item);
  });

  test('every attribute the upload-processor sets is named, so a rewrite can remove what it no longer sets', () => {
    const everything = recordedUpload({
      status: 'REJECTED',
      reason: 'size-mismatch',
      fingerprint,
      object: { ...object, versionId: 'v1' },
      processedAt,
    });
    expect([...recordedAttributeNames].sort()).toEqual(Object.keys(everything).sort());
  });

  test('an attribute it does not know is dropped, not refused: either writer may deploy first', () => {
    expect(parseUploadsItem(stored({ ...issued, thumbnailKey: 'thumbs/x' }))).toEqual(issued);
  });

  const broken = (change: Record<string, unknown>) => ({ ...(stored(issued) as UploadsItem), ...change });
  const processed = { ...issued, ...record('PROCESSED') };
  test.each([
    ['a status nobody writes', broken({ status: 'DONE' }), 'status:'],
    ['a PENDING item without a file name', broken({ filename: undefined }), 'filename: required'],
    ['a PENDING item without its size', broken({ declaredBytes: undefined }), 'declaredBytes: required'],
    ['a size as a string', broken({ declaredBytes: '1024' }), 'declaredBytes:'],
    ['a negative size', broken({ declaredBytes: -1 }), 'declaredBytes:'],
    ['a creation time without zone', broken({ createdAt: '2026-07-14T09:00:00' }), 'createdAt:'],
    ['no owner', broken({ ownerSub: '' }), 'ownerSub:'],
    ['no object key', broken({ objectKey: undefined }), 'objectKey:'],
    ['PROCESSED without a digest', { ...processed, sha256: undefined }, 'sha256: required once PROCESSED'],
    ['an uppercase digest', { ...processed, sha256: 'A'.repeat(64) }, 'sha256:'],
    ['PROCESSED with a reject reason', { ...processed, statusReason: 'size-mismatch' }, 'statusReason:'],
    ['REJECTED without a reason', { ...processed, status: 'REJECTED' }, 'statusReason:'],
    ['a reason nobody writes', { ...processed, status: 'REJECTED', statusReason: 'virus' }, 'statusReason:'],
    [
      'no api half on an item rejected for another reason than a missing record',
      { ...address, objectKey: uploadKey(address), ...record('REJECTED', 'owner-mismatch') },
      'filename: required',
    ],
    ['not an object', 'PENDING', '(body)'],
  ])('%s is refused: neither writer writes it', (_, item, reason) => {
    expect(() => parseUploadsItem(stored(item))).toThrow(reason);
  });

  test('neither writer can write what the readers refuse', () => {
    expect(() => issuedUpload({ ...issuing, ownerSub: 'a/b' })).toThrow('cannot address an upload');
    expect(() => issuedUpload({ ...issuing, declaredBytes: 1.5 })).toThrow('declaredBytes:');
    expect(() => record('PROCESSED', 'size-mismatch')).toThrow('statusReason:');
    expect(() => record('REJECTED')).toThrow('statusReason:');
    expect(() =>
      recordedUpload({
        status: 'PROCESSED',
        fingerprint: { ...fingerprint, sha256: 'x' },
        object,
        processedAt,
      }),
    ).toThrow('sha256:');
  });
});
