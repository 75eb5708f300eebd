// SQS: the AWS JSON 1.0 protocol the SDK v3 speaks (`X-Amz-Target: AmazonSQS.<Op>`) and the
// legacy query protocol (`Action=<Op>`), both authorized on the queue the QueueUrl names.
import type { GateRequest } from '../gate-request.ts';
import { invalidParameter, refuse, unmappedOperation } from './aws-errors.ts';
import { targetOperation } from './detect-protocol.ts';
import { formFields, lowerFirst, memberPairs, type JsonObject } from './request-body.ts';
import { jsonBody } from './request-body.ts';
import type { ConditionContext, Draft, DraftAuthorization } from './types.ts';

/** Operation → the action it is authorized as. Batches are authorized as their single form. */
const OPERATIONS: Record<string, string> = {
  SendMessage: 'sqs:SendMessage',
  SendMessageBatch: 'sqs:SendMessage',
  ReceiveMessage: 'sqs:ReceiveMessage',
  DeleteMessage: 'sqs:DeleteMessage',
  DeleteMessageBatch: 'sqs:DeleteMessage',
  ChangeMessageVisibility: 'sqs:ChangeMessageVisibility',
  ChangeMessageVisibilityBatch: 'sqs:ChangeMessageVisibility',
  GetQueueAttributes: 'sqs:GetQueueAttributes',
  SetQueueAttributes: 'sqs:SetQueueAttributes',
  GetQueueUrl: 'sqs:GetQueueUrl',
  PurgeQueue: 'sqs:PurgeQueue',
  CreateQueue: 'sqs:CreateQueue',
  DeleteQueue: 'sqs:DeleteQueue',
  ListQueues: 'sqs:ListQueues',
  ListQueueTags: 'sqs:ListQueueTags',
};

/** Operations that name the queue by QueueName rather than QueueUrl. */
const BY_NAME = new Set(['GetQueueUrl', 'CreateQueue']);

interface SqsParameters {
  operation: string;
  get(name: string): string | undefined;
  tags(): Record<string, string>;
  /** For the trail: parameters without message bodies or attribute values. */
  forTrail(): Record<string, unknown>;
}

function jsonParameters(operation: string, body: JsonObject): SqsParameters {
  return {
    operation,
    get: (name) => (typeof body[name] === 'string' ? (body[name] as string) : undefined),
    tags: () => {
      const tags = body.tags;
      if (typeof tags !== 'object' || tags === null) return {};
      return Object.fromEntries(
        Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
    },
    forTrail: () => scrub(body) as Record<string, unknown>,
  };
}

/** Message bodies and attribute values are the workload's data, not the trail's. */
function scrub(value: unknown, name = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => scrub(item));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'MessageBody' && typeof inner === 'string') {
      out.messageBodyBytes = Buffer.byteLength(inner, 'utf8');
    } else if (
      (key === 'MessageAttributes' || key === 'MessageSystemAttributes') &&
      inner &&
      typeof inner === 'object'
    ) {
      out[lowerFirst(key)] = Array.isArray(inner) ? inner : Object.keys(inner);
    } else {
      out[name === 'tags' ? key : lowerFirst(key)] = scrub(inner, key);
    }
  }
  return out;
}

function queryParameters(operation: string, fields: Map<string, string>): SqsParameters {
  return {
    operation,
    get: (name) => fields.get(name),
    tags: () => Object.fromEntries(memberPairs(fields, 'Tag').map(({ key, value }) => [key, value])),
    forTrail: () => {
      const out: Record<string, unknown> = {};
      for (const [name, value] of fields) {
        if (name === 'Action' || name === 'Version' || /^X-Amz-/i.test(name)) continue;
        if (/(^|\.)MessageBody$/.test(name)) {
          out[`${lowerFirst(name)}Bytes`] = Buffer.byteLength(value, 'utf8');
        } else if (!/\.Value\.(StringValue|BinaryValue)$/.test(name)) {
          out[lowerFirst(name)] = value;
        }
      }
      return out;
    },
  };
}

interface QueueRef {
  QueueName: string;
  Account?: string;
}

/** `https://sqs.<region>.amazonaws.com/<acct>/<name>` (or an emulator's host): the last two segments. */
function queueFromUrl(url: string): QueueRef {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    // The legacy query protocol also addresses the queue by the request path.
    path = url;
  }
  const segments = path.split('/').filter(Boolean);
  const name = segments.at(-1);
  const account = segments.at(-2);
  if (!name) return refuse(invalidParameter('sqs', `The address ${url} is not a queue URL.`));
  return {
    QueueName: decodeURIComponent(name),
    ...(account && /^\d{12}$/.test(account) ? { Account: account } : {}),
  };
}

export function resolveSqs(request: GateRequest): Draft {
  const target = request.headers['x-amz-target'];
  let parameters: SqsParameters;
  if (target) {
    const operation = targetOperation(request, 'AmazonSQS');
    if (!operation) return refuse(unmappedOperation('sqs', target));
    parameters = jsonParameters(operation, jsonBody(request, 'sqs'));
  } else {
    const fields = formFields(request);
    const operation = fields.get('Action');
    if (!operation) return refuse(invalidParameter('sqs', 'The request has no Action.'));
    parameters = queryParameters(operation, fields);
  }
  const { operation } = parameters;
  const action = OPERATIONS[operation];
  if (!action) return refuse(unmappedOperation('sqs', operation));

  const authorization: DraftAuthorization = { action };
  if (operation !== 'ListQueues') {
    let queue: QueueRef;
    if (BY_NAME.has(operation)) {
      const name = parameters.get('QueueName');
      if (!name) return refuse(invalidParameter('sqs', `${operation} must give QueueName.`));
      const owner = parameters.get('QueueOwnerAWSAccountId');
      queue = { QueueName: name, ...(owner ? { Account: owner } : {}) };
    } else {
      const url = parameters.get('QueueUrl') ?? (target ? undefined : request.path);
      if (!url || url === '/') return refuse(invalidParameter('sqs', `${operation} must give QueueUrl.`));
      queue = queueFromUrl(url);
    }
    authorization.resourceType = 'queue';
    authorization.arnParts = { ...queue };
  }
  if (operation === 'CreateQueue') {
    const tags = parameters.tags();
    const context: ConditionContext = {};
    for (const [key, value] of Object.entries(tags)) context[`aws:RequestTag/${key}`] = value;
    if (Object.keys(tags).length > 0) context['aws:TagKeys'] = Object.keys(tags);
    authorization.context = context;
  }
  return {
    operation,
    primaryAction: action,
    authorizations: [authorization],
    requestParameters: parameters.forTrail(),
  };
}
