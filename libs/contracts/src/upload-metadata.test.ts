import { describe, expect, test } from 'vitest';
import { parseUploadMetadata, uploadMetadata } from './index.ts';

const address = {
  ownerSub: '3f1c2a4e-7b8d-4e2f-9a01-23456789abcd',
  uploadId: '0198c6a2-4f1e-7c3b-8d2a-1b2c3d4e5f60',
};

describe('upload metadata: the api signs it into the upload URL, the upload-processor checks it', () => {
  test('what the api signs is read back as the owner and upload it was issued for', () => {
    expect(parseUploadMetadata(uploadMetadata(address))).toEqual({
      owner: address.ownerSub,
      uploadId: address.uploadId,
    });
  });

  test('names S3 keeps as they are: lowercase header tokens (S3 returns metadata names lowercased)', () => {
    for (const name of Object.keys(uploadMetadata(address))) expect(name).toMatch(/^[a-z0-9-]+$/);
  });

  test.each([
    ['no metadata', undefined],
    ['other names', { Owner: address.ownerSub, upload_id: address.uploadId }],
    ['a trace context only', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }],
  ])('%s says nothing about owner or upload: nothing is guessed', (_, metadata) => {
    expect(parseUploadMetadata(metadata)).toEqual({ owner: undefined, uploadId: undefined });
  });
});
