// S3 REST, path style (`/bucket/key`, what forcePathStyle sends to an emulator). The operation is
// the method plus the sub-resource in the query string; a sub-resource this file does not know
// (`?acl`, `?policy`, …) is refused, never treated as the plain operation it resembles.
import type { GateRequest } from '../gate-request.ts';
import { invalidParameter, refuse, unmappedOperation } from './aws-errors.ts';
import { supportsConditionKey } from './catalogue.ts';
import type { ConditionContext, Draft, DraftAuthorization } from './types.ts';

/** Query parameters that are arguments, not sub-resources that would change the operation. */
const ARGUMENTS = new Set([
  'versionId',
  'partNumber',
  'uploadId',
  'prefix',
  'delimiter',
  'max-keys',
  'marker',
  'continuation-token',
  'start-after',
  'fetch-owner',
  'encoding-type',
  'list-type',
  'key-marker',
  'version-id-marker',
  'upload-id-marker',
  'max-uploads',
  'max-parts',
  'part-number-marker',
  'x-id',
]);

function isArgument(name: string): boolean {
  // Presigned URLs carry the signature in X-Amz-*; response-* override response headers.
  return ARGUMENTS.has(name) || /^x-amz-/i.test(name) || name.startsWith('response-');
}

interface S3Target {
  bucket: string;
  key: string;
}

function parsePath(path: string): S3Target | undefined {
  const rest = path.replace(/^\/+/, '');
  if (rest === '') return undefined;
  const slash = rest.indexOf('/');
  try {
    const bucket = decodeURIComponent(slash === -1 ? rest : rest.slice(0, slash));
    const key = slash === -1 ? '' : decodeURIComponent(rest.slice(slash + 1));
    return { bucket, key };
  } catch {
    return refuse(invalidParameter('s3', 'The request path is not validly percent-encoded.'));
  }
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=v]`, URL-encoded by well-behaved clients. */
function parseCopySource(header: string): S3Target & { versionId?: string } {
  if (header.startsWith('arn:')) {
    return refuse(unmappedOperation('s3', 'CopyObject from an access point'));
  }
  const [source = '', query = ''] = header.split('?', 2);
  const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
  let decoded = source;
  try {
    decoded = decodeURIComponent(source);
  } catch {
    // An unencoded source with a literal '%' is what some clients send; take it as it is.
  }
  const path = decoded.replace(/^\/+/, '');
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) {
    return refuse(invalidParameter('s3', 'x-amz-copy-source must be bucket/key.'));
  }
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1), ...(versionId ? { versionId } : {}) };
}

/**
 * Keys every S3 action may be conditioned on that the request itself shows: how it was signed,
 * and each `x-amz-*` / `If-*-Match` header whose `s3:` key the action supports (`s3:x-amz-acl`,
 * `s3:x-amz-server-side-encryption`, `s3:if-none-match`, …).
 */
function requestContext(action: string, request: GateRequest): ConditionContext {
  const context: ConditionContext = {};
  const presigned = /(^|&)X-Amz-Signature=/i.test(request.query);
  const candidates: Record<string, string | undefined> = {
    's3:authType': presigned ? 'REST-QUERY-STRING' : 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
  };
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith('x-amz-') || name === 'if-match' || name === 'if-none-match') {
      candidates[`s3:${name}`] = value;
    }
  }
  for (const [key, value] of Object.entries(candidates)) {
    if (value !== undefined && supportsConditionKey(action, key)) context[key] = value;
  }
  return context;
}

export function resolveS3(request: GateRequest): Draft {
  const method = request.method.toUpperCase();
  const params = new URLSearchParams(request.query);
  const subresources = [...params.keys()].filter((name) => !isArgument(name));
  const target = parsePath(request.path);
  const versionId = params.get('versionId') ?? undefined;
  const requestParameters: Record<string, unknown> = {};
  if (target) requestParameters.bucketName = target.bucket;
  if (target?.key) requestParameters.key = target.key;
  for (const [name, value] of params) {
    if (name !== 'x-id' && !/^x-amz-/i.test(name)) requestParameters[name] = value;
  }

  const authorize = (
    action: string,
    on: S3Target | undefined,
    extra: ConditionContext = {},
  ): DraftAuthorization => {
    const context = { ...requestContext(action, request), ...extra };
    if (!on) return { action, context };
    return on.key
      ? { action, resourceType: 'object', arnParts: { BucketName: on.bucket, ObjectName: on.key }, context }
      : { action, resourceType: 'bucket', arnParts: { BucketName: on.bucket }, context };
  };
  const draft = (operation: string, authorizations: DraftAuthorization[]): Draft => ({
    operation,
    primaryAction: authorizations[0]?.action ?? 's3:ListAllMyBuckets',
    authorizations,
    requestParameters,
  });
  const sub = subresources.length === 0 ? '' : subresources.length === 1 ? subresources[0] : 'several';
  const unmapped = (): never =>
    refuse(
      unmappedOperation(
        's3',
        `${method} ${target?.key ? 'object' : target ? 'bucket' : 'service'}${sub ? ` ?${subresources.join('&')}` : ''}`,
      ),
    );
  const version = (plain: string, versioned: string) =>
    versionId ? authorize(versioned, target, { 's3:VersionId': versionId }) : authorize(plain, target);

  if (!target) {
    if (method === 'GET' && sub === '')
      return draft('ListBuckets', [authorize('s3:ListAllMyBuckets', undefined)]);
    return unmapped();
  }

  if (target.key) {
    const copySource = request.headers['x-amz-copy-source'];
    const uploadId = params.get('uploadId');
    const bytes = request.headers['content-length'] ?? String(request.body.length);
    switch (`${method} ${sub}`) {
      case 'GET ':
        if (uploadId) return draft('ListParts', [authorize('s3:ListMultipartUploadParts', target)]);
        return draft('GetObject', [version('s3:GetObject', 's3:GetObjectVersion')]);
      case 'HEAD ':
        return draft('HeadObject', [version('s3:GetObject', 's3:GetObjectVersion')]);
      case 'GET tagging':
        return draft('GetObjectTagging', [version('s3:GetObjectTagging', 's3:GetObjectVersionTagging')]);
      case 'PUT tagging':
        return draft('PutObjectTagging', [version('s3:PutObjectTagging', 's3:PutObjectVersionTagging')]);
      case 'DELETE tagging':
        return draft('DeleteObjectTagging', [
          version('s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging'),
        ]);
      case 'GET attributes':
        return draft('GetObjectAttributes', [
          version('s3:GetObjectAttributes', 's3:GetObjectVersionAttributes'),
        ]);
      case 'PUT ': {
        if (copySource !== undefined) {
          // A copy reads the source and writes the target: both must be allowed, as on AWS.
          const source = parseCopySource(copySource);
          requestParameters['x-amz-copy-source'] = copySource;
          const read = source.versionId
            ? authorize('s3:GetObjectVersion', source, { 's3:VersionId': source.versionId })
            : authorize('s3:GetObject', source);
          const write = authorize('s3:PutObject', target, {
            's3:x-amz-copy-source': `${source.bucket}/${source.key}`,
          });
          return draft(uploadId ? 'UploadPartCopy' : 'CopyObject', [write, read]);
        }
        requestParameters.contentLength = Number(bytes);
        return draft(uploadId ? 'UploadPart' : 'PutObject', [authorize('s3:PutObject', target)]);
      }
      case 'POST uploads':
        return draft('CreateMultipartUpload', [authorize('s3:PutObject', target)]);
      case 'POST ':
        if (uploadId) return draft('CompleteMultipartUpload', [authorize('s3:PutObject', target)]);
        return unmapped();
      case 'DELETE ':
        if (uploadId) return draft('AbortMultipartUpload', [authorize('s3:AbortMultipartUpload', target)]);
        return draft('DeleteObject', [version('s3:DeleteObject', 's3:DeleteObjectVersion')]);
      default:
        return unmapped();
    }
  }

  const listContext = (): ConditionContext => {
    const context: ConditionContext = {};
    for (const name of ['prefix', 'delimiter', 'max-keys']) {
      const value = params.get(name);
      if (value !== null) context[`s3:${name}`] = value;
    }
    return context;
  };
  switch (`${method} ${sub}`) {
    case 'GET ':
      return params.get('list-type') === '2'
        ? draft('ListObjectsV2', [authorize('s3:ListBucket', target, listContext())])
        : draft('ListObjects', [authorize('s3:ListBucket', target, listContext())]);
    case 'GET versions':
      return draft('ListObjectVersions', [authorize('s3:ListBucketVersions', target, listContext())]);
    case 'GET uploads':
      return draft('ListMultipartUploads', [authorize('s3:ListBucketMultipartUploads', target)]);
    case 'GET location':
      return draft('GetBucketLocation', [authorize('s3:GetBucketLocation', target)]);
    case 'HEAD ':
      return draft('HeadBucket', [authorize('s3:ListBucket', target)]);
    case 'PUT ':
      return draft('CreateBucket', [authorize('s3:CreateBucket', target)]);
    case 'DELETE ':
      return draft('DeleteBucket', [authorize('s3:DeleteBucket', target)]);
    case 'POST delete':
      return deleteObjects(request, target.bucket, authorize, draft, requestParameters);
    default:
      return unmapped();
  }
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (entity, name: string) => {
    if (name === 'lt') return '<';
    if (name === 'gt') return '>';
    if (name === 'amp') return '&';
    if (name === 'quot') return '"';
    if (name === 'apos') return "'";
    const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return Number.isFinite(code) ? String.fromCodePoint(code) : entity;
  });
}

/** DeleteObjects is authorized as s3:DeleteObject (or …Version) on every key it names. */
function deleteObjects(
  request: GateRequest,
  bucket: string,
  authorize: (action: string, on: S3Target, extra?: ConditionContext) => DraftAuthorization,
  draft: (operation: string, authorizations: DraftAuthorization[]) => Draft,
  requestParameters: Record<string, unknown>,
): Draft {
  const xml = request.body.toString('utf8');
  const objects = [...xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map((match) => {
    const inner = match[1] ?? '';
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(inner)?.[1];
    const versionId = /<VersionId>([\s\S]*?)<\/VersionId>/.exec(inner)?.[1];
    if (key === undefined) return refuse(invalidParameter('s3', 'Every Object in a Delete must have a Key.'));
    return { key: decodeXml(key), ...(versionId ? { versionId: decodeXml(versionId) } : {}) };
  });
  if (objects.length === 0) return refuse(invalidParameter('s3', 'The Delete request names no Object.'));
  requestParameters.delete = objects;
  return draft(
    'DeleteObjects',
    objects.map(({ key, versionId }) =>
      versionId
        ? authorize('s3:DeleteObjectVersion', { bucket, key }, { 's3:VersionId': versionId })
        : authorize('s3:DeleteObject', { bucket, key }),
    ),
  );
}
