import { randomBytes } from 'node:crypto';

/** Any RFC 9562 UUID; ids from elsewhere (a path, a cursor) must match before they reach a query. */
export const uploadIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. As the table's sort key it
 * keeps a user's uploads in creation order, so listing newest first is a plain reverse Query.
 */
export function newUploadId(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x70, 6); // version 7
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8); // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
