// One record as one line a person can scan: when, who, what, on what, and how it ended.
import type { CloudTrailRecord } from './cloudtrail-record.ts';
import { servicePrefixOf } from './event-classes.ts';
import { isDenied } from './read-trail.ts';

/** `role/session` for an assumed role; otherwise the best name the identity has. */
export function callerOf(record: CloudTrailRecord): string {
  const identity = record.userIdentity;
  switch (identity.type) {
    case 'AssumedRole': {
      const role = identity.sessionContext?.sessionIssuer.userName ?? '?';
      const session = identity.principalId?.split(':').slice(1).join(':') ?? '?';
      return `${role}/${session}`;
    }
    case 'Root':
      return 'root';
    case 'AWSService':
      return identity.invokedBy ?? 'aws-service';
    case 'WebIdentityUser':
      return `web:${identity.identityProvider ?? '?'}/${identity.userName ?? '?'}`;
    case 'SAMLUser':
      return `saml:${identity.userName ?? '?'}`;
    default:
      return identity.accessKeyId ? `unknown:${identity.accessKeyId}` : 'unknown';
  }
}

const text = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

/** Whichever parameter names the thing acted on, for the services the local system calls. */
export function resourceOf(record: CloudTrailRecord): string {
  const arn = record.resources?.[0]?.ARN;
  if (arn) return arn;
  const p = record.requestParameters ?? {};
  const bucket = text(p.bucketName ?? p.Bucket);
  if (bucket) return [bucket, text(p.key ?? p.Key)].filter(Boolean).join('/');
  const queueUrl = text(p.queueUrl ?? p.QueueUrl);
  if (queueUrl) return queueUrl.split('/').at(-1) ?? queueUrl;
  for (const key of [
    'tableName',
    'TableName',
    'secretId',
    'SecretId',
    'roleArn',
    'RoleArn',
    'functionName',
    'FunctionName',
    'topicArn',
    'TopicArn',
    'logGroupName',
    'LogGroupName',
    'streamName',
    'StreamName',
    'keyId',
    'KeyId',
    'name',
    'Name',
  ]) {
    const value = text(p[key]);
    if (value) return value;
  }
  return '-';
}

/** `ALLOWED`, `DENIED <code>`, or `ALLOWED upstream <code>` when the emulator refused what the gate let through. */
export function outcomeOf(record: CloudTrailRecord): string {
  if (isDenied(record)) return `DENIED ${record.errorCode ?? ''}`.trimEnd();
  return record.errorCode ? `ALLOWED upstream ${record.errorCode}` : 'ALLOWED';
}

export function formatTrailLine(record: CloudTrailRecord): string {
  const action = `${servicePrefixOf(record.eventSource)}:${record.eventName}`;
  return [
    record.eventTime,
    callerOf(record).padEnd(28),
    action.padEnd(32),
    resourceOf(record).padEnd(40),
    outcomeOf(record),
  ].join('  ');
}
