// The IAM actions of a trail record, for records that do not carry them. The gate writes each
// authorization it decided (`additionalEventData.authorizations: [{ action, resource }]`); a
// record without them (an older trail, a real CloudTrail export) has only the operation and the
// resources the call was authorized against, in the order the gate's resolvers authorized them.
// This table follows those resolvers (src/authorize/resolve-*.ts): an operation whose action has
// another name (HeadObject → s3:GetObject), several actions for one call (CopyObject), and the
// versioned forms S3 authorizes when the request names a version.
import { servicePrefixOf } from '../trail/event-classes.ts';

export interface RecordAuthorization {
  action: string;
  resource: string;
}

/** What derivation reads of a record: the operation, its parameters and its resources. */
export interface DerivableRecord {
  eventSource: string;
  eventName: string;
  requestParameters: Record<string, unknown> | null;
  resources?: readonly { ARN: string }[];
}

const hasVersion = (parameters: Record<string, unknown> | null) =>
  typeof parameters?.versionId === 'string' && parameters.versionId !== '';

/** S3 operations authorized as one action on each resource: [plain, with a versionId]. */
const s3Single: Readonly<Record<string, readonly [string, string?]>> = {
  GetObject: ['GetObject', 'GetObjectVersion'],
  HeadObject: ['GetObject', 'GetObjectVersion'],
  GetObjectTagging: ['GetObjectTagging', 'GetObjectVersionTagging'],
  PutObjectTagging: ['PutObjectTagging', 'PutObjectVersionTagging'],
  DeleteObjectTagging: ['DeleteObjectTagging', 'DeleteObjectVersionTagging'],
  GetObjectAttributes: ['GetObjectAttributes', 'GetObjectVersionAttributes'],
  DeleteObject: ['DeleteObject', 'DeleteObjectVersion'],
  PutObject: ['PutObject'],
  UploadPart: ['PutObject'],
  CreateMultipartUpload: ['PutObject'],
  CompleteMultipartUpload: ['PutObject'],
  ListParts: ['ListMultipartUploadParts'],
  ListObjects: ['ListBucket'],
  ListObjectsV2: ['ListBucket'],
  HeadBucket: ['ListBucket'],
  ListObjectVersions: ['ListBucketVersions'],
  ListMultipartUploads: ['ListBucketMultipartUploads'],
  ListBuckets: ['ListAllMyBuckets'],
};

/** Operations authorized as another action of the same service (SQS batches as their single form). */
const renamed: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  sqs: {
    SendMessageBatch: 'SendMessage',
    DeleteMessageBatch: 'DeleteMessage',
    ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
  },
};

/** Operations AWS never authorizes: they use no permission. */
const unauthorized = new Set(['sts:GetCallerIdentity']);

function s3Actions(record: DerivableRecord, resources: string[]): RecordAuthorization[] {
  const parameters = record.requestParameters;
  const operation = record.eventName;
  if (operation === 'CopyObject' || operation === 'UploadPartCopy') {
    // Authorized as [write the target, read the source].
    const source = String(parameters?.['x-amz-copy-source'] ?? '');
    const read = /[?&]versionId=/.test(source) ? 's3:GetObjectVersion' : 's3:GetObject';
    return resources.map((resource, index) => ({ action: index === 0 ? 's3:PutObject' : read, resource }));
  }
  if (operation === 'DeleteObjects') {
    // One s3:DeleteObject (or …Version) per key, in the order of requestParameters.delete.
    const objects = Array.isArray(parameters?.delete) ? (parameters.delete as unknown[]) : [];
    return resources.map((resource, index) => {
      const object = objects[index];
      const versioned = object !== null && typeof object === 'object' && 'versionId' in object;
      return { action: versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resource };
    });
  }
  const [plain, versioned] = s3Single[operation] ?? [operation];
  const action = `s3:${hasVersion(parameters) && versioned ? versioned : plain}`;
  return resources.map((resource) => ({ action, resource }));
}

function stsActions(record: DerivableRecord, resources: string[]): RecordAuthorization[] {
  if (record.eventName !== 'AssumeRole') {
    return resources.map((resource) => ({ action: `sts:${record.eventName}`, resource }));
  }
  // [AssumeRole, TagSession when the call passes tags, SetSourceIdentity when it passes one]: the
  // same role ARN each time.
  const tags = record.requestParameters?.tags;
  const extra = [
    ...(Array.isArray(tags) && tags.length > 0 ? ['sts:TagSession'] : []),
    'sts:SetSourceIdentity',
  ];
  return resources.map((resource, index) => ({
    action: index === 0 ? 'sts:AssumeRole' : (extra[index - 1] ?? 'sts:AssumeRole'),
    resource,
  }));
}

/**
 * The (action, resource) pairs a record's call was authorized as, derived from its operation and
 * resources. An operation authorized on no resource type gets resource `*`.
 */
export function deriveAuthorizations(record: DerivableRecord): RecordAuthorization[] {
  const service = servicePrefixOf(record.eventSource);
  if (unauthorized.has(`${service}:${record.eventName}`)) return [];
  const resources = (record.resources ?? []).map((resource) => resource.ARN);
  const on = resources.length > 0 ? resources : ['*'];
  if (service === 's3') return s3Actions(record, on);
  if (service === 'sts') return stsActions(record, on);
  const action = `${service}:${renamed[service]?.[record.eventName] ?? record.eventName}`;
  return on.map((resource) => ({ action, resource }));
}
