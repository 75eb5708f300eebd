// DynamoDB (AWS JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Op>`).
//
// dynamodb:LeadingKeys holds the partition key values a request touches. The request alone does
// not always say which attribute is the partition key, so: `scope.keySchemas(table, index?)`
// names it when given; otherwise it is inferred where the request is unambiguous (a Key with one
// attribute; a key condition with exactly one equality, which must be the partition key's). When
// neither works the request is REFUSED: an absent LeadingKeys would make a policy's
// `ForAllValues:StringEquals` on it pass vacuously, silently widening access.
// Scan has no LeadingKeys, as on AWS.
import type { GateRequest } from '../gate-request.ts';
import { accessDenied, invalidParameter, refuse, unmappedOperation } from './aws-errors.ts';
import { targetOperation } from './detect-protocol.ts';
import {
  keyEqualities,
  projectionAttributes,
  updatedAttributes,
  type AttributeNames,
} from './dynamodb-expressions.ts';
import { jsonBody, lowerFirst, requiredString, stringField, type JsonObject } from './request-body.ts';
import type { ConditionContext, Draft, DraftAuthorization, ResolveScope } from './types.ts';

type KeySchemas = ResolveScope['keySchemas'];

function asObject(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function names(body: JsonObject): AttributeNames {
  return asObject(body.ExpressionAttributeNames) as AttributeNames;
}

/** A partition key value as IAM sees it: the S, N or B member's text. */
function scalarValue(value: unknown, attribute: string): string {
  const typed = asObject(value);
  for (const type of ['S', 'N', 'B']) {
    if (typeof typed[type] === 'string') return typed[type] as string;
  }
  return refuse(
    invalidParameter('dynamodb', `The key attribute ${attribute} must be a string, number or binary.`),
  );
}

function undetermined(table: string, index: string | undefined): never {
  return refuse(
    accessDenied(
      'dynamodb',
      `The permission gate cannot tell the partition key of ${index ? `index ${index} of ` : ''}table ${table} ` +
        'from this request, so it cannot evaluate dynamodb:LeadingKeys (give the gate the key schemas).',
    ),
  );
}

/** LeadingKeys of Keys/Items: the partition key attribute's values. */
function leadingKeysOf(items: JsonObject[], table: string, keySchemas: KeySchemas): string[] {
  const known = keySchemas?.(table);
  return [
    ...new Set(
      items.map((item) => {
        const attributes = Object.keys(item);
        const partitionKey = known ?? (attributes.length === 1 ? attributes[0] : undefined);
        if (partitionKey === undefined) return undetermined(table, undefined);
        if (!(partitionKey in item)) {
          return refuse(
            invalidParameter('dynamodb', `The provided key element does not match the schema of ${table}.`),
          );
        }
        return scalarValue(item[partitionKey], partitionKey);
      }),
    ),
  ];
}

function queryLeadingKeys(
  body: JsonObject,
  table: string,
  index: string | undefined,
  keySchemas: KeySchemas,
): string[] {
  const known = keySchemas?.(table, index);
  const values = asObject(body.ExpressionAttributeValues);
  const expression = stringField(body, 'KeyConditionExpression');
  let equalities: Array<{ attribute: string; value: unknown }>;
  if (expression !== undefined) {
    equalities = keyEqualities(expression, names(body)).map(({ attribute, placeholder }) => ({
      attribute,
      value: values[placeholder],
    }));
  } else {
    // The legacy KeyConditions: { attribute: { ComparisonOperator: 'EQ', AttributeValueList: [v] } }.
    equalities = Object.entries(asObject(body.KeyConditions))
      .filter(([, condition]) => asObject(condition).ComparisonOperator === 'EQ')
      .map(([attribute, condition]) => {
        const list = asObject(condition).AttributeValueList;
        return { attribute, value: Array.isArray(list) ? list[0] : undefined };
      });
  }
  const partition = known
    ? equalities.find((equality) => equality.attribute === known)
    : equalities.length === 1
      ? equalities[0]
      : undetermined(table, index);
  if (!partition) {
    return refuse(
      invalidParameter('dynamodb', 'Query condition missed key schema element (the partition key).'),
    );
  }
  return [scalarValue(partition.value, partition.attribute)];
}

/** Projection attributes (ProjectionExpression or the legacy AttributesToGet). */
function projection(body: JsonObject): string[] | undefined {
  const expression = stringField(body, 'ProjectionExpression');
  if (expression !== undefined) return projectionAttributes(expression, names(body));
  const legacy = body.AttributesToGet;
  return Array.isArray(legacy)
    ? legacy.filter((name): name is string => typeof name === 'string')
    : undefined;
}

/** Plain request options that are condition keys of the same name. */
function optionContext(body: JsonObject, options: string[]): ConditionContext {
  const context: ConditionContext = {};
  for (const option of options) {
    const value = stringField(body, option);
    if (value !== undefined) context[`dynamodb:${option}`] = value;
  }
  return context;
}

/** Item values and expression values are the workload's data: the trail keeps names and keys. */
function forTrail(body: JsonObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === 'Item') out.itemAttributes = Object.keys(asObject(value));
    else if (name === 'ExpressionAttributeValues')
      out.expressionAttributeValues = Object.keys(asObject(value));
    else if (name === 'RequestItems') {
      out.requestItems = Object.fromEntries(
        Object.entries(asObject(value)).map(([table, request]) => [
          table,
          Array.isArray(request)
            ? request.map((write) => {
                const put = asObject(asObject(write).PutRequest);
                return put.Item ? { putRequest: { itemAttributes: Object.keys(asObject(put.Item)) } } : write;
              })
            : request,
        ]),
      );
    } else out[lowerFirst(name)] = value;
  }
  return out;
}

function tableAuthorization(
  action: string,
  table: string,
  index: string | undefined,
  context: ConditionContext,
): DraftAuthorization {
  return index
    ? { action, resourceType: 'index', arnParts: { TableName: table, IndexName: index }, context }
    : { action, resourceType: 'table', arnParts: { TableName: table }, context };
}

function withAttributes(context: ConditionContext, attributes: string[] | undefined): ConditionContext {
  return attributes && attributes.length > 0 ? { ...context, 'dynamodb:Attributes': attributes } : context;
}

export function resolveDynamoDb(request: GateRequest, keySchemas: KeySchemas): Draft {
  const operation = targetOperation(request, 'DynamoDB_20120810');
  if (!operation)
    return refuse(unmappedOperation('dynamodb', request.headers['x-amz-target'] ?? 'without X-Amz-Target'));
  const body = jsonBody(request, 'dynamodb');
  const action = `dynamodb:${operation}`;
  const draft = (authorizations: DraftAuthorization[]): Draft => ({
    operation,
    primaryAction: action,
    authorizations,
    requestParameters: forTrail(body),
  });
  const table = () => requiredString(body, 'TableName', 'dynamodb');
  const common = optionContext(body, ['ReturnConsumedCapacity']);

  switch (operation) {
    case 'GetItem': {
      const name = table();
      const context = {
        ...common,
        'dynamodb:LeadingKeys': leadingKeysOf([asObject(body.Key)], name, keySchemas),
      };
      return draft([tableAuthorization(action, name, undefined, withAttributes(context, projection(body)))]);
    }
    case 'PutItem':
    case 'DeleteItem':
    case 'UpdateItem': {
      const name = table();
      const item = asObject(operation === 'PutItem' ? body.Item : body.Key);
      let context: ConditionContext = {
        ...common,
        ...optionContext(body, ['ReturnValues']),
        'dynamodb:LeadingKeys': leadingKeysOf([item], name, keySchemas),
      };
      if (operation === 'PutItem') context = withAttributes(context, Object.keys(item));
      if (operation === 'UpdateItem') {
        const expression = stringField(body, 'UpdateExpression');
        const updated = expression
          ? updatedAttributes(expression, names(body))
          : Object.keys(asObject(body.AttributeUpdates));
        context = withAttributes(context, [...new Set([...Object.keys(item), ...updated])]);
      }
      return draft([tableAuthorization(action, name, undefined, context)]);
    }
    case 'Query':
    case 'Scan': {
      const name = table();
      const index = stringField(body, 'IndexName');
      const attributes = projection(body);
      // DynamoDB's own default: SPECIFIC_ATTRIBUTES with a projection, else ALL_ATTRIBUTES (ALL_PROJECTED_ATTRIBUTES on an index).
      const select =
        stringField(body, 'Select') ??
        (attributes ? 'SPECIFIC_ATTRIBUTES' : index ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES');
      let context: ConditionContext = { ...common, 'dynamodb:Select': select };
      if (operation === 'Query') {
        context['dynamodb:LeadingKeys'] = queryLeadingKeys(body, name, index, keySchemas);
      }
      context = withAttributes(context, attributes);
      return draft([tableAuthorization(action, name, index, context)]);
    }
    case 'BatchGetItem':
      return draft(
        Object.entries(asObject(body.RequestItems)).map(([name, value]) => {
          const request = asObject(value);
          const keys = Array.isArray(request.Keys) ? request.Keys.map(asObject) : [];
          const context = { ...common, 'dynamodb:LeadingKeys': leadingKeysOf(keys, name, keySchemas) };
          return tableAuthorization(action, name, undefined, withAttributes(context, projection(request)));
        }),
      );
    case 'BatchWriteItem':
      return draft(
        Object.entries(asObject(body.RequestItems)).map(([name, value]) => {
          const writes = (Array.isArray(value) ? value : []).map(asObject);
          const items = writes.map((write) => {
            const put = asObject(write.PutRequest);
            return put.Item ? asObject(put.Item) : asObject(asObject(write.DeleteRequest).Key);
          });
          const putAttributes = writes.flatMap((write) =>
            Object.keys(asObject(asObject(write.PutRequest).Item)),
          );
          const context = { ...common, 'dynamodb:LeadingKeys': leadingKeysOf(items, name, keySchemas) };
          return tableAuthorization(
            action,
            name,
            undefined,
            withAttributes(context, [...new Set(putAttributes)]),
          );
        }),
      );
    case 'DescribeTable':
      return draft([tableAuthorization(action, table(), undefined, {})]);
    case 'ListTables':
      return draft([{ action }]);
    default:
      return refuse(unmappedOperation('dynamodb', operation));
  }
}
