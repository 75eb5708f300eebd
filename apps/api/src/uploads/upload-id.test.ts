import { describe, expect, test } from 'vitest';
import { newUploadId, uploadIdPattern } from './upload-id.ts';

describe('newUploadId', () => {
  test('is a version 7, variant 10 UUID carrying the creation time', () => {
    const id = newUploadId(Date.UTC(2026, 4, 4, 9, 0, 0));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(Date.UTC(2026, 4, 4, 9, 0, 0));
    expect(uploadIdPattern.test(id)).toBe(true);
  });

  test('sorts by creation time, so a reverse Query lists newest first', () => {
    const ids = [1_000, 2_000, 3_000].map((ms) => newUploadId(1_790_000_000_000 + ms));
    expect([...ids].sort()).toEqual(ids);
  });

  test('is unique within one millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newUploadId(1_790_000_000_000)));
    expect(ids.size).toBe(1000);
  });

  test.each([
    '',
    'not-a-uuid',
    '../../etc',
    '01890A5D-AC96-774B-BCCE-B302099A8057',
    '01890a5d-ac96-774b-bcce-b302099a8057x',
  ])('the pattern refuses %j', (value) => expect(uploadIdPattern.test(value)).toBe(false));
});
