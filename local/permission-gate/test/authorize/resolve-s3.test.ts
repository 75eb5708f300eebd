import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from './support/capture-server.ts';
import { permissions, refused, resolved, serviceContext } from './support/resolve.ts';
import { sdkConfig, sendCommand } from './support/sdk-config.ts';

let server: CaptureServer;
let s3: S3Client;
beforeAll(async () => {
  server = await startCaptureServer();
  s3 = new S3Client({ ...sdkConfig(server.endpoint), forcePathStyle: true });
});
afterAll(() => server.close());

const send = async (command: object) => resolved('s3', await server.capture(() => sendCommand(s3, command)));
const BUCKET = 'keyless-files';

describe('S3 objects (path style)', () => {
  it('GetObject is s3:GetObject on the object ARN, with the key decoded', async () => {
    const result = await send(new GetObjectCommand({ Bucket: BUCKET, Key: 'reports/2026 q1+final.csv' }));
    expect(result.operation).toBe('GetObject');
    expect(result.readOnly).toBe(true);
    expect(result.eventSource).toBe('s3.amazonaws.com');
    expect(result.protocol).toBe('rest-xml');
    expect(permissions(result)).toEqual([
      ['s3:GetObject', 'arn:aws:s3:::keyless-files/reports/2026 q1+final.csv'],
    ]);
    expect(result.requestParameters).toEqual({ bucketName: BUCKET, key: 'reports/2026 q1+final.csv' });
    expect(result.authorizations[0]?.context).toMatchObject({
      's3:authType': 'REST-HEADER',
      's3:signatureversion': 'AWS4-HMAC-SHA256',
    });
  });

  it('GetObject with a versionId is s3:GetObjectVersion with s3:VersionId', async () => {
    const result = await send(new GetObjectCommand({ Bucket: BUCKET, Key: 'incoming/a', VersionId: 'v-1' }));
    expect(result.operation).toBe('GetObject');
    expect(permissions(result)).toEqual([['s3:GetObjectVersion', 'arn:aws:s3:::keyless-files/incoming/a']]);
    expect(serviceContext(result)).toEqual({ 's3:VersionId': 'v-1' });
  });

  it('HeadObject is authorized as s3:GetObject', async () => {
    const result = await send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'incoming/a' }));
    expect(result.operation).toBe('HeadObject');
    expect(permissions(result)).toEqual([['s3:GetObject', 'arn:aws:s3:::keyless-files/incoming/a']]);
  });

  it('PutObject is s3:PutObject; the trail gets the size, not the bytes; SSE and ACL headers become condition keys', async () => {
    const result = await send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'incoming/u1',
        Body: 'secret payload',
        ServerSideEncryption: 'AES256',
        ACL: 'private',
      }),
    );
    expect(result.operation).toBe('PutObject');
    expect(result.readOnly).toBe(false);
    expect(permissions(result)).toEqual([['s3:PutObject', 'arn:aws:s3:::keyless-files/incoming/u1']]);
    expect(serviceContext(result)).toMatchObject({
      's3:x-amz-server-side-encryption': 'AES256',
      's3:x-amz-acl': 'private',
    });
    expect(result.requestParameters).toMatchObject({
      bucketName: BUCKET,
      key: 'incoming/u1',
      contentLength: 14,
    });
    expect(JSON.stringify(result.requestParameters)).not.toContain('secret payload');
  });

  it('DeleteObject is s3:DeleteObject, and s3:DeleteObjectVersion with a versionId', async () => {
    const plain = await send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'reports/r' }));
    expect(plain.operation).toBe('DeleteObject');
    expect(permissions(plain)).toEqual([['s3:DeleteObject', 'arn:aws:s3:::keyless-files/reports/r']]);
    const versioned = await send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: 'reports/r', VersionId: 'v9' }),
    );
    expect(permissions(versioned)).toEqual([
      ['s3:DeleteObjectVersion', 'arn:aws:s3:::keyless-files/reports/r'],
    ]);
    expect(serviceContext(versioned)).toEqual({ 's3:VersionId': 'v9' });
  });

  it('CopyObject needs s3:GetObject on the source and s3:PutObject on the target', async () => {
    const result = await send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: 'reports/copy', CopySource: `${BUCKET}/incoming/a%20b` }),
    );
    expect(result.operation).toBe('CopyObject');
    expect(result.readOnly).toBe(false);
    expect(permissions(result)).toEqual([
      ['s3:PutObject', 'arn:aws:s3:::keyless-files/reports/copy'],
      ['s3:GetObject', 'arn:aws:s3:::keyless-files/incoming/a b'],
    ]);
    expect(serviceContext(result, 0)).toEqual({ 's3:x-amz-copy-source': 'keyless-files/incoming/a b' });
  });

  it('CopyObject of a source version reads it with s3:GetObjectVersion', async () => {
    const result = await send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'reports/copy',
        CopySource: `/${BUCKET}/incoming/a?versionId=7`,
      }),
    );
    expect(permissions(result)[1]).toEqual(['s3:GetObjectVersion', 'arn:aws:s3:::keyless-files/incoming/a']);
    expect(serviceContext(result, 1)).toEqual({ 's3:VersionId': '7' });
  });

  it('multipart uploads are authorized as s3:PutObject', async () => {
    const create = await send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'incoming/big' }));
    expect(create.operation).toBe('CreateMultipartUpload');
    expect(permissions(create)).toEqual([['s3:PutObject', 'arn:aws:s3:::keyless-files/incoming/big']]);
    const part = await send(
      new UploadPartCommand({ Bucket: BUCKET, Key: 'incoming/big', UploadId: 'u', PartNumber: 1, Body: 'x' }),
    );
    expect(part.operation).toBe('UploadPart');
    expect(permissions(part)).toEqual([['s3:PutObject', 'arn:aws:s3:::keyless-files/incoming/big']]);
  });

  it('DeleteObjects is one s3:DeleteObject per key, XML entities decoded', async () => {
    const result = await send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: 'reports/a&b<c' }, { Key: 'reports/v', VersionId: 'v2' }] },
      }),
    );
    expect(result.operation).toBe('DeleteObjects');
    expect(permissions(result)).toEqual([
      ['s3:DeleteObject', 'arn:aws:s3:::keyless-files/reports/a&b<c'],
      ['s3:DeleteObjectVersion', 'arn:aws:s3:::keyless-files/reports/v'],
    ]);
  });
});

describe('S3 buckets', () => {
  it('ListObjectsV2 is s3:ListBucket on the bucket with s3:prefix, s3:delimiter and s3:max-keys', async () => {
    const result = await send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'reports/', Delimiter: '/', MaxKeys: 50 }),
    );
    expect(result.operation).toBe('ListObjectsV2');
    expect(result.readOnly).toBe(true);
    expect(permissions(result)).toEqual([['s3:ListBucket', 'arn:aws:s3:::keyless-files']]);
    expect(serviceContext(result)).toEqual({
      's3:prefix': 'reports/',
      's3:delimiter': '/',
      's3:max-keys': '50',
    });
  });

  it('ListObjects (v1) is s3:ListBucket too; absent parameters are absent keys', async () => {
    const result = await send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'incoming/' }));
    expect(result.operation).toBe('ListObjects');
    expect(permissions(result)).toEqual([['s3:ListBucket', 'arn:aws:s3:::keyless-files']]);
    expect(serviceContext(result)).toEqual({ 's3:prefix': 'incoming/' });
  });

  it('HeadBucket is s3:ListBucket', async () => {
    const result = await send(new HeadBucketCommand({ Bucket: BUCKET }));
    expect(result.operation).toBe('HeadBucket');
    expect(permissions(result)).toEqual([['s3:ListBucket', 'arn:aws:s3:::keyless-files']]);
  });

  it('ListBuckets is s3:ListAllMyBuckets on *', async () => {
    const result = await send(new ListBucketsCommand({}));
    expect(permissions(result)).toEqual([['s3:ListAllMyBuckets', '*']]);
  });
});

describe('S3 requests the gate does not map are refused, not guessed', () => {
  it('GetObjectAcl (?acl) is refused with AccessDenied naming it, not taken for GetObject', async () => {
    const failure = refused(
      's3',
      await server.capture(() => s3.send(new GetObjectAclCommand({ Bucket: BUCKET, Key: 'k' }))),
    );
    expect(failure.error).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(failure.error.message).toContain('GET object ?acl');
    expect(failure.protocol).toBe('rest-xml');
  });

  it('GetBucketAcl is refused too', async () => {
    const failure = refused(
      's3',
      await server.capture(() => s3.send(new GetBucketAclCommand({ Bucket: BUCKET }))),
    );
    expect(failure.error.message).toContain('GET bucket ?acl');
  });
});

describe('S3 presigned URLs', () => {
  it('a presigned GetObject resolves like a signed one, with s3:authType REST-QUERY-STRING', async () => {
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'reports/r' }), { expiresIn: 60 }),
    );
    const request = await server.capture(() => fetch(url));
    const result = resolved('s3', request);
    expect(permissions(result)).toEqual([['s3:GetObject', 'arn:aws:s3:::keyless-files/reports/r']]);
    expect(result.authorizations[0]?.context['s3:authType']).toBe('REST-QUERY-STRING');
    expect(JSON.stringify(result.requestParameters)).not.toContain('X-Amz-Signature');
  });
});
