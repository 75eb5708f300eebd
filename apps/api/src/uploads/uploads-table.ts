import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseUploadsItem, type UploadsItem } from '@keyless/contracts';

export class UploadExistsError extends Error {
  constructor() {
    super('an upload with this id exists');
    this.name = 'UploadExistsError';
  }
}

/**
 * The `uploads` table as the api uses it; what an item holds is the contract in `@keyless/contracts`.
 * Every read and write names the owner: a lookup by id is a GetItem on (caller, id), so another
 * user's upload is indistinguishable from one that does not exist.
 */
export function createUploadsTable(client: DynamoDBDocumentClient, tableName: string) {
  return {
    async create(item: UploadsItem): Promise<void> {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(uploadId)',
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new UploadExistsError();
        throw error;
      }
    },

    async get(ownerSub: string, uploadId: string): Promise<UploadsItem | undefined> {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: { ownerSub, uploadId } }),
      );
      return Item === undefined ? undefined : parseUploadsItem(Item);
    },

    /** Newest first (upload ids are UUIDv7), `limit` at a time, continuing after `afterUploadId`. */
    async list(
      ownerSub: string,
      { limit, afterUploadId }: { limit: number; afterUploadId?: string | undefined },
    ): Promise<{ items: UploadsItem[]; lastUploadId?: string }> {
      const { Items = [], LastEvaluatedKey } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'ownerSub = :owner',
          ExpressionAttributeValues: { ':owner': ownerSub },
          ScanIndexForward: false,
          Limit: limit,
          ...(afterUploadId ? { ExclusiveStartKey: { ownerSub, uploadId: afterUploadId } } : {}),
        }),
      );
      const lastUploadId = LastEvaluatedKey?.uploadId;
      return {
        items: Items.map(parseUploadsItem),
        ...(typeof lastUploadId === 'string' ? { lastUploadId } : {}),
      };
    },

    /** A read the api's role may do (GetItem), for /readyz: the table exists and answers. */
    async probe(): Promise<void> {
      await client.send(
        new GetCommand({ TableName: tableName, Key: { ownerSub: '#readiness', uploadId: '#readiness' } }),
      );
    },
  };
}

export type UploadsTable = ReturnType<typeof createUploadsTable>;

/**
 * What a client sees of an upload: no owner, no object key. (An item the upload-processor made for
 * an object no URL was issued for has no file name, type, size or creation time.)
 */
export function publicUpload(item: UploadsItem) {
  return {
    uploadId: item.uploadId,
    status: item.status,
    filename: item.filename,
    contentType: item.contentType,
    declaredBytes: item.declaredBytes,
    createdAt: item.createdAt,
    ...(item.bytes === undefined ? {} : { bytes: item.bytes }),
    ...(item.sha256 === undefined ? {} : { sha256: item.sha256 }),
    ...(item.processedAt === undefined ? {} : { processedAt: item.processedAt }),
  };
}
