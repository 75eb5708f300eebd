import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { fingerprintObject } from './fingerprint-object.ts';

describe('fingerprintObject', () => {
  test('hashes and counts across chunk boundaries, and sniffs from the head even when it arrives in pieces', async () => {
    const data = Buffer.concat([Buffer.from([0x89]), Buffer.from('PNG\r\n\x1a\n'), randomBytes(100_000)]);
    const chunks = [data.subarray(0, 3), data.subarray(3, 2000), data.subarray(2000)];
    const result = await fingerprintObject(Readable.from(chunks));
    expect(result).toEqual({
      bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      contentType: 'image/png',
    });
  });

  test('an empty object has the sha256 of nothing', async () => {
    expect(await fingerprintObject(Readable.from([]))).toEqual({
      bytes: 0,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      contentType: 'text/plain',
    });
  });
});
