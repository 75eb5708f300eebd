import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface PresignedRequest {
  method: 'PUT' | 'GET';
  url: string;
  /** Headers the request must carry exactly: they are part of the signature. */
  headers: Record<string, string>;
  expiresAt: string;
}

const expiresAt = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

/**
 * A presigned PUT for exactly one object: key, content type, length and metadata are signed, so the
 * URL cannot write anywhere else, or anything else. Metadata stays in signed headers (rather than
 * the query string) so S3 stores it as sent and refuses an upload without it.
 */
export async function presignUpload(
  s3: S3Client,
  request: {
    bucket: string;
    key: string;
    contentType: string;
    contentLength: number;
    metadata: Record<string, string>;
    expiresInSeconds: number;
  },
): Promise<PresignedRequest> {
  const metadataHeaders = Object.fromEntries(
    Object.entries(request.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
  );
  const url = await getSignedUrl(
    s3,
    new PutObjectCommand({
      Bucket: request.bucket,
      Key: request.key,
      ContentType: request.contentType,
      ContentLength: request.contentLength,
      Metadata: request.metadata,
    }),
    {
      expiresIn: request.expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
      unhoistableHeaders: new Set(Object.keys(metadataHeaders)),
    },
  );
  return {
    method: 'PUT',
    url,
    headers: { 'content-type': request.contentType, ...metadataHeaders },
    expiresAt: expiresAt(request.expiresInSeconds),
  };
}

export async function presignDownload(
  s3: S3Client,
  request: { bucket: string; key: string; expiresInSeconds: number },
): Promise<PresignedRequest> {
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: request.bucket, Key: request.key }), {
    expiresIn: request.expiresInSeconds,
  });
  return { method: 'GET', url, headers: {}, expiresAt: expiresAt(request.expiresInSeconds) };
}
