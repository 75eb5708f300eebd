import { describe, expect, test } from 'vitest';
import { parseUploadKey } from './upload-key.ts';

describe('parseUploadKey', () => {
  test('reads owner, upload id and file name from incoming/<owner>/<id>/<name>', () => {
    expect(parseUploadKey('incoming/sub-1/0190-abc/red flower.jpg')).toEqual({
      ownerSub: 'sub-1',
      uploadId: '0190-abc',
      filename: 'red flower.jpg',
    });
  });

  test.each([
    'reports/x/y/z.json',
    'incoming/sub-1/0190-abc/',
    'incoming/sub-1/file.txt',
    'incoming//id/name',
    'incoming/',
  ])('%s is not an upload key', (key) => {
    expect(parseUploadKey(key)).toBeUndefined();
  });
});
