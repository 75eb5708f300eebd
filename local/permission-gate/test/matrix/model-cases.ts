// The (role, statement, action) cases of the model matrix, generated from @keyless/iam-model: each
// action of each statement gets a concrete resource its Resource pattern matches and the API call
// that is authorized as that action on that resource. A statement added to the model later gets
// its cases here without anyone writing them; an action with no request builder below is reported
// (model-matrix.test.ts fails on it), so none can be added unmapped.
import { evaluateIdentityPolicies, type PolicyDocument, type Statement } from '@keyless/iam-policy';
import type { RoleDefinition, RoleName } from '@keyless/iam-model';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
/** The 6 characters Secrets Manager appended to every secret's name (what ResourceNames.secretArn answers). */
export const SECRET_SUFFIX = 'Mx7Q2a';
/** The partition key of the uploads table (libs/contracts: hash key `ownerSub`, range key `uploadId`). */
export const UPLOADS_PARTITION_KEY = 'ownerSub';

/** What a case's request is sent with: the role's credentials, the capture server's address. */
export interface CallContext {
  endpoint: string;
}

/** One API call, authorized as `action` on `resource`. */
export interface ConcreteCall {
  resource: string;
  /** Which SDK (or hand-built request) sends it, and with what. */
  call: SdkCall | HandCall;
}

export type SdkCall =
  | { kind: 's3'; operation: 'PutObject' | 'GetObject' | 'ListObjectsV2'; input: Record<string, unknown> }
  | {
      kind: 'dynamodb';
      operation: 'GetItem' | 'PutItem' | 'Query' | 'UpdateItem';
      input: Record<string, unknown>;
    }
  | {
      kind: 'sqs';
      operation:
        'SendMessage' | 'ReceiveMessage' | 'DeleteMessage' | 'ChangeMessageVisibility' | 'GetQueueAttributes';
      queueName: string;
      input: Record<string, unknown>;
    }
  | { kind: 'secretsmanager'; operation: 'GetSecretValue' | 'DescribeSecret'; input: Record<string, unknown> }
  | { kind: 'sts'; operation: 'AssumeRole'; input: Record<string, unknown> }
  /** An IAM database authentication token (what @aws-sdk/rds-signer presigns) for this user at this proxy. */
  | { kind: 'rds-db'; dbiResourceId: string; dbUser: string };

export interface HandCall {
  kind: 'hand';
  service: 'ecs' | 'eks' | 'cloudformation' | 'logs';
  /** JSON 1.1 target, query Action, or REST path. */
  build:
    | { protocol: 'json-1.1'; target: string; body: object }
    | { protocol: 'query'; version: string; action: string; fields: Record<string, string> }
    | { protocol: 'rest-json'; method: 'GET'; path: string };
}

/**
 * Turns one of a statement's Resource patterns into a concrete call, or `undefined` when no call
 * of this action can be authorized on a resource that pattern matches (the reason is reported).
 */
type Builder = (pattern: string, statement: Statement) => ConcreteCall | { unreachable: string };

/** An IAM resource pattern's wildcards filled in: `*` with `fill`, each `?` with a character. */
export function fillWildcards(pattern: string, fill: string): string {
  let question = 0;
  return pattern.replace(/[*?]/g, (wildcard) =>
    wildcard === '*' ? fill : (SECRET_SUFFIX[question++ % SECRET_SUFFIX.length] ?? 'x'),
  );
}

/** IAM's ARN matching: `*` any run of characters, `?` exactly one, case-sensitive. */
export function patternMatches(pattern: string, resource: string): boolean {
  const regex = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`, 's').test(resource);
}

const arnParts = (arn: string) => {
  const [, partition = '', service = '', region = '', account = '', ...rest] = arn.split(':');
  return { partition, service, region, account, resource: rest.join(':') };
};

function s3Object(operation: 'PutObject' | 'GetObject', extra: Record<string, unknown> = {}): Builder {
  return (pattern) => {
    const { resource } = arnParts(pattern);
    const slash = resource.indexOf('/');
    if (slash === -1) return { unreachable: 'an object action is never authorized on a bucket ARN' };
    const concrete = fillWildcards(resource, 'matrix/object-1.bin');
    const bucket = concrete.slice(0, slash);
    const key = concrete.slice(slash + 1);
    return {
      resource: `arn:aws:s3:::${concrete}`,
      call: { kind: 's3', operation, input: { Bucket: bucket, Key: key, ...extra } },
    };
  };
}

/** s3:ListBucket, with a Prefix that satisfies the statement's `s3:prefix` condition (if any). */
const listBucket: Builder = (pattern, statement) => {
  const { resource } = arnParts(pattern);
  if (resource.includes('/')) return { unreachable: 's3:ListBucket is authorized on the bucket ARN only' };
  const bucket = fillWildcards(resource, 'matrix-bucket');
  const conditions = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  const prefixes = Object.values(conditions)
    .map((operator) => operator['s3:prefix'])
    .filter((value) => value !== undefined)
    .flatMap((value) => (Array.isArray(value) ? value : [value])) as string[];
  const prefix = prefixes[0] === undefined ? 'matrix/' : fillWildcards(prefixes[0], '2026/01/');
  return {
    resource: `arn:aws:s3:::${bucket}`,
    call: { kind: 's3', operation: 'ListObjectsV2', input: { Bucket: bucket, Prefix: prefix } },
  };
};

function dynamodbTable(operation: 'GetItem' | 'PutItem' | 'Query' | 'UpdateItem'): Builder {
  return (pattern) => {
    const concrete = fillWildcards(pattern, 'matrix-table');
    const { resource } = arnParts(concrete);
    if (!resource.startsWith('table/') || resource.includes('/index/'))
      return { unreachable: 'item operations are authorized on the table ARN' };
    const TableName = resource.slice('table/'.length);
    const key = { [UPLOADS_PARTITION_KEY]: { S: 'owner-1' }, uploadId: { S: 'upload-1' } };
    const inputs = {
      GetItem: { TableName, Key: key },
      PutItem: { TableName, Item: { ...key, status: { S: 'PENDING' } } },
      Query: {
        TableName,
        KeyConditionExpression: '#pk = :owner',
        ExpressionAttributeNames: { '#pk': UPLOADS_PARTITION_KEY },
        ExpressionAttributeValues: { ':owner': { S: 'owner-1' } },
      },
      UpdateItem: {
        TableName,
        Key: key,
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'COMPLETED' } },
      },
    };
    return { resource: concrete, call: { kind: 'dynamodb', operation, input: inputs[operation] } };
  };
}

function sqsQueue(
  operation:
    'SendMessage' | 'ReceiveMessage' | 'DeleteMessage' | 'ChangeMessageVisibility' | 'GetQueueAttributes',
): Builder {
  return (pattern) => {
    const concrete = fillWildcards(pattern, 'matrix-queue');
    const queueName = arnParts(concrete).resource;
    const inputs = {
      SendMessage: { MessageBody: '{"matrix":true}' },
      ReceiveMessage: { MaxNumberOfMessages: 1 },
      DeleteMessage: { ReceiptHandle: 'receipt-1' },
      ChangeMessageVisibility: { ReceiptHandle: 'receipt-1', VisibilityTimeout: 30 },
      GetQueueAttributes: { AttributeNames: ['ApproximateNumberOfMessages'] },
    };
    return { resource: concrete, call: { kind: 'sqs', operation, queueName, input: inputs[operation] } };
  };
}

/** By name, as the services ask: ResourceNames.secretArn gives the ARN with its 6 characters. */
function secret(operation: 'GetSecretValue' | 'DescribeSecret'): Builder {
  return (pattern) => {
    const { resource } = arnParts(pattern);
    const match = /^secret:(.+)-\?{6}$/.exec(resource);
    if (!match?.[1]) return { unreachable: `secret pattern ${resource} does not end in -??????` };
    const name = fillWildcards(match[1], 'matrix');
    const arn = pattern.replace(resource, `secret:${name}-${SECRET_SUFFIX}`);
    return { resource: arn, call: { kind: 'secretsmanager', operation, input: { SecretId: name } } };
  };
}

/** `dbuser:<resource id>/<user>`: a token for that user, presented to that proxy. */
const dbUser: Builder = (pattern) => {
  const { resource } = arnParts(pattern);
  const match = /^dbuser:([^/]+)\/(.+)$/.exec(fillWildcards(resource, 'matrix'));
  if (!match?.[1] || !match[2]) return { unreachable: `rds-db pattern ${resource} is no dbuser:<id>/<user>` };
  return {
    resource: pattern.replace(resource, `dbuser:${match[1]}/${match[2]}`),
    call: { kind: 'rds-db', dbiResourceId: match[1], dbUser: match[2] },
  };
};

const assumeRole: Builder = (pattern) => {
  const RoleArn = fillWildcards(pattern, 'matrix');
  return {
    resource: RoleArn,
    call: { kind: 'sts', operation: 'AssumeRole', input: { RoleArn, RoleSessionName: 'matrix' } },
  };
};

/** CreateLogStream and PutLogEvents are authorized on the stream: `log-group:<g>:log-stream:<s>`. */
function logStream(operation: 'CreateLogStream' | 'PutLogEvents'): Builder {
  return (pattern) => {
    const { resource } = arnParts(pattern);
    if (!resource.startsWith('log-group:') || !resource.endsWith(':*'))
      return {
        unreachable: `logs:${operation} is authorized on a log-stream ARN, which ${resource} (no ':*') never matches`,
      };
    const group = fillWildcards(resource.slice('log-group:'.length, -2), 'matrix');
    const stream = '2026/01/01/[$LATEST]matrix';
    const body =
      operation === 'PutLogEvents'
        ? { logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: 1, message: 'm' }] }
        : { logGroupName: group, logStreamName: stream };
    return {
      resource: pattern.replace(resource, `log-group:${group}:log-stream:${stream}`),
      call: {
        kind: 'hand',
        service: 'logs',
        build: { protocol: 'json-1.1', target: `Logs_20140328.${operation}`, body },
      },
    };
  };
}

function ecsService(operation: 'UpdateService' | 'DescribeServices'): Builder {
  return (pattern) => {
    const concrete = fillWildcards(pattern, 'matrix-service');
    const [kind, cluster, service] = arnParts(concrete).resource.split('/');
    if (kind !== 'service' || !cluster || !service)
      return { unreachable: 'not a service/<cluster>/<name> ARN' };
    const body =
      operation === 'UpdateService'
        ? { cluster, service, forceNewDeployment: true }
        : { cluster, services: [service] };
    return {
      resource: concrete,
      call: {
        kind: 'hand',
        service: 'ecs',
        build: { protocol: 'json-1.1', target: `AmazonEC2ContainerServiceV20141113.${operation}`, body },
      },
    };
  };
}

const eksCluster: Builder = (pattern) => {
  const concrete = fillWildcards(pattern, 'matrix-cluster');
  const name = arnParts(concrete).resource.slice('cluster/'.length);
  return {
    resource: concrete,
    call: {
      kind: 'hand',
      service: 'eks',
      build: { protocol: 'rest-json', method: 'GET', path: `/clusters/${encodeURIComponent(name)}` },
    },
  };
};

/** By stack ARN (which carries the stack ID, so the resource is concrete). */
function stack(action: 'DescribeStacks' | 'GetTemplate'): Builder {
  return (pattern) => {
    const [kind, name, id] = arnParts(pattern).resource.split('/');
    if (kind !== 'stack' || name === undefined || id === undefined)
      return { unreachable: 'not a stack/<name>/<id> ARN' };
    const concrete = pattern.replace(
      `stack/${name}/${id}`,
      `stack/${fillWildcards(name, '-matrix')}/${fillWildcards(id, '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0')}`,
    );
    return {
      resource: concrete,
      call: {
        kind: 'hand',
        service: 'cloudformation',
        build: { protocol: 'query', version: '2010-05-15', action, fields: { StackName: concrete } },
      },
    };
  };
}

/** Every action the model may use, and how to call it. */
export const REQUEST_BUILDERS: Readonly<Record<string, Builder>> = {
  's3:PutObject': s3Object('PutObject'),
  's3:GetObject': s3Object('GetObject'),
  's3:GetObjectVersion': s3Object('GetObject', { VersionId: 'matrix-version-1' }),
  's3:ListBucket': listBucket,
  'dynamodb:GetItem': dynamodbTable('GetItem'),
  'dynamodb:PutItem': dynamodbTable('PutItem'),
  'dynamodb:Query': dynamodbTable('Query'),
  'dynamodb:UpdateItem': dynamodbTable('UpdateItem'),
  'sqs:SendMessage': sqsQueue('SendMessage'),
  'sqs:ReceiveMessage': sqsQueue('ReceiveMessage'),
  'sqs:DeleteMessage': sqsQueue('DeleteMessage'),
  'sqs:ChangeMessageVisibility': sqsQueue('ChangeMessageVisibility'),
  'sqs:GetQueueAttributes': sqsQueue('GetQueueAttributes'),
  'secretsmanager:GetSecretValue': secret('GetSecretValue'),
  'secretsmanager:DescribeSecret': secret('DescribeSecret'),
  'sts:AssumeRole': assumeRole,
  'rds-db:connect': dbUser,
  'logs:CreateLogStream': logStream('CreateLogStream'),
  'logs:PutLogEvents': logStream('PutLogEvents'),
  'ecs:UpdateService': ecsService('UpdateService'),
  'ecs:DescribeServices': ecsService('DescribeServices'),
  'eks:DescribeCluster': eksCluster,
  'cloudformation:DescribeStacks': stack('DescribeStacks'),
  'cloudformation:GetTemplate': stack('GetTemplate'),
};

/** The service's AccessDenied code, by the action's service prefix (AWS's, per each API Reference). */
export const ACCESS_DENIED_CODES: Readonly<Record<string, string>> = {
  s3: 'AccessDenied',
  sqs: 'AccessDenied',
  sts: 'AccessDenied',
  cloudformation: 'AccessDenied',
  dynamodb: 'AccessDeniedException',
  secretsmanager: 'AccessDeniedException',
  logs: 'AccessDeniedException',
  ecs: 'AccessDeniedException',
  eks: 'AccessDeniedException',
  'rds-db': 'AccessDenied',
};

export interface StatementRef {
  role: RoleName;
  policyName: string;
  index: number;
  /** The Sid, or `#<index>` when the statement has none. */
  label: string;
  statement: Statement;
}

export interface MatrixCase extends StatementRef, ConcreteCall {
  action: string;
  pattern: string;
  /**
   * With the statement removed: an Allow's call is always denied (implicitly); a Deny's call is
   * denied implicitly unless another statement of the role allows it, then it is allowed.
   */
  withoutIt: 'implicit-deny' | 'allowed';
  /** What the test is called. */
  name: string;
}

export interface Unreachable extends StatementRef {
  action: string;
  pattern: string;
  reason: string;
}

export const listOf = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every statement of every role's permission policies, in model order. */
export function statementsOf(roles: readonly RoleDefinition[]): StatementRef[] {
  return roles.flatMap((role) =>
    Object.entries(role.policies).flatMap(([policyName, document]) =>
      document.Statement.map((statement, index) => ({
        role: role.name,
        policyName,
        index,
        label: statement.Sid ?? `#${index}`,
        statement,
      })),
    ),
  );
}

/** The role's policies with one statement taken out. */
export function withoutStatement(
  policies: Record<string, PolicyDocument>,
  ref: Pick<StatementRef, 'policyName' | 'index'>,
): Record<string, PolicyDocument> {
  return Object.fromEntries(
    Object.entries(policies).map(([name, document]) => [
      name,
      name === ref.policyName
        ? { ...document, Statement: document.Statement.filter((_, i) => i !== ref.index) }
        : document,
    ]),
  );
}

export interface GeneratedMatrix {
  cases: MatrixCase[];
  /** Actions the model uses that no builder knows: the suite fails on any. */
  unmapped: Array<StatementRef & { action: string }>;
  /** (action, pattern) pairs no call of the action can reach, with why. */
  unreachable: Unreachable[];
  /** (role, statement, action) triples that got no case at all: the suite fails on any. */
  uncovered: Array<StatementRef & { action: string }>;
}

/** Whether the role's other statements allow the call (what removing a Deny leaves). */
function othersAllow(role: RoleDefinition, ref: StatementRef, action: string, resource: string): boolean {
  return evaluateIdentityPolicies(withoutStatement(role.policies, ref), { action, resource, context: {} })
    .allowed;
}

export function generateMatrix(roles: readonly RoleDefinition[]): GeneratedMatrix {
  const matrix: GeneratedMatrix = { cases: [], unmapped: [], unreachable: [], uncovered: [] };
  const byName = new Map(roles.map((role) => [role.name, role]));
  for (const ref of statementsOf(roles)) {
    const role = byName.get(ref.role);
    if (!role) continue;
    for (const action of listOf(ref.statement.Action)) {
      const builder = REQUEST_BUILDERS[action];
      if (!builder) {
        matrix.unmapped.push({ ...ref, action });
        continue;
      }
      let covered = false;
      for (const pattern of listOf(ref.statement.Resource)) {
        const built = builder(pattern, ref.statement);
        if ('unreachable' in built) {
          matrix.unreachable.push({ ...ref, action, pattern, reason: built.unreachable });
          continue;
        }
        covered = true;
        const deny = ref.statement.Effect === 'Deny';
        const withoutIt =
          deny && othersAllow(role, ref, action, built.resource) ? 'allowed' : 'implicit-deny';
        const outcome = !deny
          ? 'is AccessDenied'
          : `is AccessDenied (explicit deny with ${ref.label}; without it ${
              withoutIt === 'allowed'
                ? 'allowed by another statement'
                : 'implicitly denied: no Allow covers it'
            })`;
        matrix.cases.push({
          ...ref,
          ...built,
          action,
          pattern,
          withoutIt,
          name: `${ref.role}: without ${ref.label} → ${action} on ${built.resource} ${outcome}`,
        });
      }
      if (!covered) matrix.uncovered.push({ ...ref, action });
    }
  }
  return matrix;
}
