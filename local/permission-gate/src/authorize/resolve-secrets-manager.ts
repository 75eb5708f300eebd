// Secrets Manager (AWS JSON 1.1, `X-Amz-Target: secretsmanager.<Op>`).
//
// A secret's ARN ends in `-` and 6 random characters (`secret:ledger/writer-AbCdEf`) that a
// request naming the secret by name does not carry; policies match them with `-??????`. The gate
// asks `scope.secretArn(idOrName)` for the real ARN. Without it (or when it answers undefined) a
// full ARN is taken as given and a name `n` becomes `secret:n-??????`, which a `n-??????` or
// `n-*` or `secret:prefix/*` resource matches and `secret:other-n-??????` does not. The cost of the
// fallback: a statement naming one exact ARN (`...-AbCdEf`) does not match a by-name request —
// an Allow then fails closed, but so does a Deny, so give the resolver where such Denies exist.
import type { GateRequest } from '../gate-request.ts';
import { refuse, unmappedOperation } from './aws-errors.ts';
import { targetOperation } from './detect-protocol.ts';
import { jsonBody, lowerFirst, requiredString, stringField, type JsonObject } from './request-body.ts';
import type { ConditionContext, Draft, DraftAuthorization, ResolveScope } from './types.ts';

type SecretArnResolver = ResolveScope['secretArn'];

/** The secret's values never reach the trail; their size does. */
const SECRET_VALUES = new Set(['SecretString', 'SecretBinary']);

function forTrail(body: JsonObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (SECRET_VALUES.has(name)) {
      out[`${lowerFirst(name)}Bytes`] = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0;
    } else {
      out[lowerFirst(name)] = value;
    }
  }
  return out;
}

function secretAuthorization(
  action: string,
  id: string,
  resolver: SecretArnResolver,
  context: ConditionContext,
): DraftAuthorization {
  const arn = resolver?.(id) ?? (id.startsWith('arn:') ? id : undefined);
  return arn
    ? { action, resourceType: 'secret', arn, context }
    : { action, resourceType: 'secret', arnParts: { SecretId: `${id}-??????` }, context };
}

function tagContext(body: JsonObject): ConditionContext {
  const tags = Array.isArray(body.Tags) ? body.Tags : [];
  const context: ConditionContext = {};
  const keys: string[] = [];
  for (const tag of tags) {
    const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof Key !== 'string') continue;
    keys.push(Key);
    context[`aws:RequestTag/${Key}`] = typeof Value === 'string' ? Value : '';
  }
  if (keys.length > 0) context['aws:TagKeys'] = keys;
  return context;
}

export function resolveSecretsManager(request: GateRequest, resolver: SecretArnResolver): Draft {
  const operation = targetOperation(request, 'secretsmanager');
  if (!operation)
    return refuse(
      unmappedOperation('secretsmanager', request.headers['x-amz-target'] ?? 'without X-Amz-Target'),
    );
  const body = jsonBody(request, 'secretsmanager');
  const action = `secretsmanager:${operation}`;
  const draft = (authorizations: DraftAuthorization[]): Draft => ({
    operation,
    primaryAction: action,
    authorizations,
    requestParameters: forTrail(body),
  });
  const bySecretId = (extra: ConditionContext = {}) => {
    const id = requiredString(body, 'SecretId', 'secretsmanager');
    return draft([secretAuthorization(action, id, resolver, { 'secretsmanager:SecretId': id, ...extra })]);
  };

  switch (operation) {
    case 'GetSecretValue': {
      const context: ConditionContext = {};
      const versionId = stringField(body, 'VersionId');
      const versionStage = stringField(body, 'VersionStage');
      if (versionId !== undefined) context['secretsmanager:VersionId'] = versionId;
      if (versionStage !== undefined) context['secretsmanager:VersionStage'] = versionStage;
      return bySecretId(context);
    }
    case 'DescribeSecret':
    case 'PutSecretValue':
    case 'UpdateSecret':
    case 'DeleteSecret':
    case 'GetResourcePolicy':
    case 'ListSecretVersionIds':
      return bySecretId();
    case 'CreateSecret': {
      const name = requiredString(body, 'Name', 'secretsmanager');
      // AWS picks the suffix when it creates the secret, so `-??????` is exactly what is known.
      const context: ConditionContext = { 'secretsmanager:Name': name, ...tagContext(body) };
      const description = stringField(body, 'Description');
      const kmsKeyId = stringField(body, 'KmsKeyId');
      if (description !== undefined) context['secretsmanager:Description'] = description;
      if (kmsKeyId !== undefined) context['secretsmanager:KmsKeyId'] = kmsKeyId;
      return draft([{ action, resourceType: 'secret', arnParts: { SecretId: `${name}-??????` }, context }]);
    }
    case 'ListSecrets':
      return draft([{ action }]);
    default:
      return refuse(unmappedOperation('secretsmanager', operation));
  }
}
