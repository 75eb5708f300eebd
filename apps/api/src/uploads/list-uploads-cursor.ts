import { uploadIdPattern } from './upload-id.ts';

const prefix = 'v1:';

/**
 * The `cursor` of `GET /v1/uploads`: opaque to clients (so its format can change), and holding
 * only the last upload id. The owner half of DynamoDB's key always comes from the verified token,
 * so no cursor, forged or not, can page into another user's uploads.
 */
export function encodeCursor(lastUploadId: string): string {
  return Buffer.from(prefix + lastUploadId, 'utf8').toString('base64url');
}

/** The upload id to continue after, or undefined for anything that is not a cursor we issued. */
export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(prefix)) return undefined;
  const uploadId = text.slice(prefix.length);
  return uploadIdPattern.test(uploadId) ? uploadId : undefined;
}
