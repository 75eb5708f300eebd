import { describe, expect, test } from 'vitest';
import { parseUploadKey } from './upload-key.ts';

describe('parseUploadKey', () => {
  test('reads owner and upload id from incoming/<owner>/<id>', () => {
    expect(parseUploadKey('incoming/sub-1/0190-abc')).toEqual({ ownerSub: 'sub-1', uploadId: '0190-abc' });
  });

  test.each([
    'reports/x/y',
    'incoming/sub-1/0190-abc/',
    'incoming/sub-1/0190-abc/red flower.jpg',
    'incoming/sub-1/',
    'incoming//id',
    'incoming/sub-1',
    'incoming/',
  ])('%s is not an upload key', (key) => {
    expect(parseUploadKey(key)).toBeUndefined();
  });
});
