import { expect, test } from 'vitest';
import { decodeCursor, encodeCursor } from './list-uploads-cursor.ts';
import { newUploadId } from './upload-id.ts';

test('a cursor round-trips to the upload id it was made from, and does not show it', () => {
  const id = newUploadId();
  const cursor = encodeCursor(id);
  expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  expect(cursor).not.toContain(id);
  expect(decodeCursor(cursor)).toBe(id);
});

test.each([
  ['empty', ''],
  ['not base64url', 'a+b/c='],
  ['another version', Buffer.from(`v2:${newUploadId()}`).toString('base64url')],
  ['no prefix', Buffer.from(newUploadId()).toString('base64url')],
  ['not an upload id', Buffer.from('v1:{"ownerSub":"someone-else"}').toString('base64url')],
  ['too long', 'a'.repeat(200)],
])('anything we did not issue (%s) decodes to undefined', (_, cursor) => {
  expect(decodeCursor(cursor)).toBeUndefined();
});
