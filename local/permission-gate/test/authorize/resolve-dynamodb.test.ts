import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from './support/capture-server.ts';
import { ACCOUNT, permissions, refused, resolved } from './support/resolve.ts';
import { sdkConfig, sendCommand } from './support/sdk-config.ts';

let server: CaptureServer;
let dynamodb: DynamoDBClient;
beforeAll(async () => {
  server = await startCaptureServer();
  dynamodb = new DynamoDBClient(sdkConfig(server.endpoint));
});
afterAll(() => server.close());

const TABLE_ARN = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/uploads`;
const keySchemas = (table: string, index?: string) =>
  table === 'uploads'
    ? index === 'by-owner'
      ? 'ownerId'
      : 'uploadId'
    : table === 'other'
      ? 'pk'
      : undefined;
const capture = (command: object) => server.capture(() => sendCommand(dynamodb, command));
const send = async (command: object) => resolved('dynamodb', await capture(command), { keySchemas });

describe('DynamoDB single-item operations', () => {
  it('GetItem: the table ARN, LeadingKeys and the projected Attributes', async () => {
    const result = await send(
      new GetItemCommand({
        TableName: 'uploads',
        Key: { uploadId: { S: 'u-1' } },
        ProjectionExpression: '#s, size, meta.owner',
        ExpressionAttributeNames: { '#s': 'status' },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    expect(result.operation).toBe('GetItem');
    expect(result.protocol).toBe('json-1.0');
    expect(result.readOnly).toBe(true);
    expect(permissions(result)).toEqual([['dynamodb:GetItem', TABLE_ARN]]);
    expect(result.authorizations[0]?.context).toEqual({
      'dynamodb:LeadingKeys': ['u-1'],
      'dynamodb:Attributes': ['status', 'size', 'meta'],
      'dynamodb:ReturnConsumedCapacity': 'TOTAL',
    });
  });

  it('PutItem: LeadingKeys from the key schema, every attribute, ReturnValues; the trail has names, not values', async () => {
    const result = await send(
      new PutItemCommand({
        TableName: 'uploads',
        Item: { uploadId: { S: 'u-2' }, ownerId: { S: 'o' }, note: { S: 'private text' } },
        ReturnValues: 'ALL_OLD',
      }),
    );
    expect(result.readOnly).toBe(false);
    expect(permissions(result)).toEqual([['dynamodb:PutItem', TABLE_ARN]]);
    expect(result.authorizations[0]?.context).toEqual({
      'dynamodb:LeadingKeys': ['u-2'],
      'dynamodb:Attributes': ['uploadId', 'ownerId', 'note'],
      'dynamodb:ReturnValues': 'ALL_OLD',
    });
    expect(result.requestParameters).toMatchObject({
      tableName: 'uploads',
      itemAttributes: ['uploadId', 'ownerId', 'note'],
    });
    expect(JSON.stringify(result.requestParameters)).not.toContain('private text');
  });

  it('UpdateItem: the key and the attributes the update expression writes or removes', async () => {
    const result = await send(
      new UpdateItemCommand({
        TableName: 'uploads',
        Key: { uploadId: { S: 'u-3' } },
        UpdateExpression:
          'SET #s = :s, tries = if_not_exists(tries, :zero) + :one, parts = list_append(parts, :p) REMOVE lease ADD seen :one',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':s': { S: 'done' },
          ':zero': { N: '0' },
          ':one': { N: '1' },
          ':p': { L: [] },
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    expect(result.authorizations[0]?.context).toEqual({
      'dynamodb:LeadingKeys': ['u-3'],
      'dynamodb:Attributes': ['uploadId', 'status', 'tries', 'parts', 'lease', 'seen'],
      'dynamodb:ReturnValues': 'UPDATED_NEW',
    });
    expect(result.requestParameters.expressionAttributeValues).toEqual([':s', ':zero', ':one', ':p']);
  });

  it('DeleteItem: LeadingKeys, ReturnValues', async () => {
    const result = await send(
      new DeleteItemCommand({
        TableName: 'uploads',
        Key: { uploadId: { S: 'u-4' } },
        ReturnValues: 'ALL_OLD',
      }),
    );
    expect(permissions(result)).toEqual([['dynamodb:DeleteItem', TABLE_ARN]]);
    expect(result.authorizations[0]?.context).toEqual({
      'dynamodb:LeadingKeys': ['u-4'],
      'dynamodb:ReturnValues': 'ALL_OLD',
    });
  });
});

describe('DynamoDB Query and Scan', () => {
  it('Query on the table: LeadingKeys from the key condition, Select defaulted as DynamoDB does', async () => {
    const result = await send(
      new QueryCommand({
        TableName: 'uploads',
        KeyConditionExpression: '#k = :k',
        ExpressionAttributeNames: { '#k': 'uploadId' },
        ExpressionAttributeValues: { ':k': { S: 'u-5' } },
      }),
    );
    expect(permissions(result)).toEqual([['dynamodb:Query', TABLE_ARN]]);
    expect(result.authorizations[0]?.context).toEqual({
      'dynamodb:LeadingKeys': ['u-5'],
      'dynamodb:Select': 'ALL_ATTRIBUTES',
    });
  });

  it('Query on an index is authorized on the index ARN, with the index partition key', async () => {
    const result = await send(
      new QueryCommand({
        TableName: 'uploads',
        IndexName: 'by-owner',
        KeyConditionExpression: 'ownerId = :o AND createdAt > :t',
        ExpressionAttributeValues: { ':o': { S: 'owner-1' }, ':t': { N: '5' } },
        ProjectionExpression: 'uploadId',
      }),
    );
    expect(permissions(result)).toEqual([['dynamodb:Query', `${TABLE_ARN}/index/by-owner`]]);
    expect(result.authorizations[0]?.context).toEqual({
      'dynamodb:LeadingKeys': ['owner-1'],
      'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
      'dynamodb:Attributes': ['uploadId'],
    });
  });

  it('Query without key schemas infers the partition key from the only equality', async () => {
    const request = await capture(
      new QueryCommand({
        TableName: 'anything',
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': { N: '42' }, ':s': { S: 'a' } },
      }),
    );
    expect(resolved('dynamodb', request).authorizations[0]?.context['dynamodb:LeadingKeys']).toEqual(['42']);
  });

  it('Query without key schemas and two equalities is refused: which one is the partition key is unknown', async () => {
    const request = await capture(
      new QueryCommand({
        TableName: 'anything',
        KeyConditionExpression: 'pk = :p AND sk = :s',
        ExpressionAttributeValues: { ':p': { S: 'a' }, ':s': { S: 'b' } },
      }),
    );
    const failure = refused('dynamodb', request);
    expect(failure.error).toMatchObject({ status: 400, code: 'AccessDeniedException' });
    expect(failure.error.message).toContain('dynamodb:LeadingKeys');
  });

  it('Scan: Select, and no LeadingKeys (as on AWS)', async () => {
    const result = await send(new ScanCommand({ TableName: 'uploads', Select: 'COUNT' }));
    expect(permissions(result)).toEqual([['dynamodb:Scan', TABLE_ARN]]);
    expect(result.authorizations[0]?.context).toEqual({ 'dynamodb:Select': 'COUNT' });
  });
});

describe('DynamoDB batches and key schemas', () => {
  it('BatchGetItem: one authorization per table, each with its own LeadingKeys', async () => {
    const result = await send(
      new BatchGetItemCommand({
        RequestItems: {
          uploads: { Keys: [{ uploadId: { S: 'a' } }, { uploadId: { S: 'b' } }] },
          other: { Keys: [{ pk: { S: 'x' }, sk: { S: 'y' } }], ProjectionExpression: 'pk, v' },
        },
      }),
    );
    expect(result.readOnly).toBe(true);
    expect(permissions(result)).toEqual([
      ['dynamodb:BatchGetItem', TABLE_ARN],
      ['dynamodb:BatchGetItem', `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/other`],
    ]);
    expect(result.authorizations[0]?.context).toEqual({ 'dynamodb:LeadingKeys': ['a', 'b'] });
    expect(result.authorizations[1]?.context).toEqual({
      'dynamodb:LeadingKeys': ['x'],
      'dynamodb:Attributes': ['pk', 'v'],
    });
  });

  it('BatchWriteItem: one authorization per table, puts and deletes both counted', async () => {
    const result = await send(
      new BatchWriteItemCommand({
        RequestItems: {
          uploads: [
            { PutRequest: { Item: { uploadId: { S: 'p' }, size: { N: '3' } } } },
            { DeleteRequest: { Key: { uploadId: { S: 'd' } } } },
          ],
        },
      }),
    );
    expect(result.readOnly).toBe(false);
    expect(permissions(result)).toEqual([['dynamodb:BatchWriteItem', TABLE_ARN]]);
    expect(result.authorizations[0]?.context).toEqual({
      'dynamodb:LeadingKeys': ['p', 'd'],
      'dynamodb:Attributes': ['uploadId', 'size'],
    });
  });

  it('without key schemas a one-attribute Key is its partition key, and a PutItem is refused', async () => {
    const get = await capture(new GetItemCommand({ TableName: 'uploads', Key: { uploadId: { S: 'k' } } }));
    expect(resolved('dynamodb', get).authorizations[0]?.context['dynamodb:LeadingKeys']).toEqual(['k']);
    const put = await capture(
      new PutItemCommand({ TableName: 'uploads', Item: { uploadId: { S: 'k' }, a: { S: 'b' } } }),
    );
    expect(refused('dynamodb', put).error.message).toContain(
      'cannot tell the partition key of table uploads',
    );
  });

  it('a key that does not carry the schema partition key is refused as a ValidationException', async () => {
    const request = await capture(new GetItemCommand({ TableName: 'uploads', Key: { wrong: { S: 'k' } } }));
    expect(refused('dynamodb', request, { keySchemas }).error).toMatchObject({
      status: 400,
      code: 'ValidationException',
    });
  });

  it('a batch naming no table is refused rather than allowed with nothing checked', async () => {
    const request = await capture(new BatchGetItemCommand({ RequestItems: {} }));
    expect(refused('dynamodb', request, { keySchemas }).error.code).toBe('ValidationException');
  });

  it('transactions are not mapped yet: refused, named', async () => {
    const request = await capture(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: 'uploads', Item: { uploadId: { S: 'x' } } } }],
      }),
    );
    expect(refused('dynamodb', request, { keySchemas }).error.message).toContain('TransactWriteItems');
  });
});
