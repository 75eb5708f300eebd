import { GetObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';

export interface ObjectVersion {
  bucket: string;
  key: string;
  eTag: string;
  versionId?: string | undefined;
}

export type OpenedObject =
  | { superseded: false; body: AsyncIterable<Uint8Array>; metadata: Record<string, string> }
  /** The key holds a newer object than the event describes; that object's own event follows. */
  | { superseded: true };

/**
 * Starts reading exactly the object an event is about: its version when the bucket is versioned,
 * else the key's current object only if it still has the event's ETag. Without that condition an
 * old event would fingerprint a newer object and record it under the old event's identity.
 * An object deleted in the meantime is an error: the invocation fails and, after the retries,
 * the event lands in the failure destination with this reason.
 */
export async function openObject(s3: S3Client, object: ObjectVersion): Promise<OpenedObject> {
  try {
    const { Body, Metadata = {} } = await s3.send(
      new GetObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        ...(object.versionId ? { VersionId: object.versionId } : { IfMatch: `"${object.eTag}"` }),
      }),
    );
    if (!Body) throw new Error(`GetObject returned no body for ${object.key}`);
    return { superseded: false, body: Body as AsyncIterable<Uint8Array>, metadata: Metadata };
  } catch (error) {
    if (!(error instanceof S3ServiceException)) throw error;
    if (error.$metadata.httpStatusCode === 412) return { superseded: true };
    if (error.name === 'NoSuchKey' || error.name === 'NoSuchVersion') {
      throw new Error(
        `s3://${object.bucket}/${object.key} no longer exists (${error.name}): deleted before it was processed`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}
