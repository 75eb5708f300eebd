// How CloudTrail classifies a call: which endpoint it names as the source, whether it only reads, and
// whether it is a data event (a high-volume operation on the contents of a resource, which real
// trails record only when asked) or a management event.

/** `s3` → `s3.amazonaws.com`; an already qualified source is kept. */
export function eventSourceOf(service: string): string {
  return service.endsWith('.amazonaws.com') ? service : `${service}.amazonaws.com`;
}

/** `s3.amazonaws.com` → `s3`, the prefix IAM actions use. */
export function servicePrefixOf(eventSource: string): string {
  return eventSource.replace(/\.amazonaws\.com$/, '');
}

// CloudTrail's data-event resource types, by the operations the local system's services call.
// Anything else is a management event, as it is on AWS.
const dataEvents: Readonly<Record<string, ReadonlySet<string>>> = {
  s3: new Set([
    'GetObject',
    'HeadObject',
    'PutObject',
    'CopyObject',
    'DeleteObject',
    'DeleteObjects',
    'GetObjectAcl',
    'PutObjectAcl',
    'GetObjectAttributes',
    'GetObjectTagging',
    'PutObjectTagging',
    'DeleteObjectTagging',
    'GetObjectRetention',
    'PutObjectRetention',
    'GetObjectLegalHold',
    'PutObjectLegalHold',
    'RestoreObject',
    'SelectObjectContent',
    'CreateMultipartUpload',
    'UploadPart',
    'UploadPartCopy',
    'CompleteMultipartUpload',
    'AbortMultipartUpload',
    'ListParts',
    'ListObjects',
    'ListObjectsV2',
    'ListObjectVersions',
    'ListMultipartUploads',
  ]),
  dynamodb: new Set([
    'GetItem',
    'PutItem',
    'UpdateItem',
    'DeleteItem',
    'Query',
    'Scan',
    'BatchGetItem',
    'BatchWriteItem',
    'TransactGetItems',
    'TransactWriteItems',
    'ExecuteStatement',
    'BatchExecuteStatement',
    'ExecuteTransaction',
  ]),
  sqs: new Set([
    'SendMessage',
    'SendMessageBatch',
    'ReceiveMessage',
    'DeleteMessage',
    'DeleteMessageBatch',
    'ChangeMessageVisibility',
    'ChangeMessageVisibilityBatch',
  ]),
  sns: new Set(['Publish', 'PublishBatch']),
  lambda: new Set(['Invoke', 'InvokeWithResponseStream']),
  kinesis: new Set(['PutRecord', 'PutRecords', 'GetRecords', 'GetShardIterator', 'SubscribeToShard']),
};

export function isDataEvent(service: string, operation: string): boolean {
  return dataEvents[servicePrefixOf(service)]?.has(operation) ?? false;
}

/**
 * By the operation's verb, which is how AWS names its read-only operations. ReceiveMessage is not
 * one (it hides the message from other consumers), nor is AssumeRole* (it issues credentials).
 */
export function isReadOnly(operation: string): boolean {
  return /^(Get|List|Describe|Head|Query|Scan|BatchGet|TransactGet|Lookup|Search|Select)/.test(operation);
}
