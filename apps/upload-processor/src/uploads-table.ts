import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  parseUploadsItem,
  recordedAttributeNames,
  recordedUpload,
  type RejectReason,
  type UploadAddress,
  type UploadsItem,
} from '@keyless/contracts';
import type { Guard, ObservedObject } from './decide-record.ts';

export interface RecordWrite {
  status: 'PROCESSED' | 'REJECTED';
  reason?: RejectReason | undefined;
  guard: Guard;
  object: ObservedObject;
  processedAt: Date;
}

// Each guard as a condition expression. `#`/`:` placeholders for every name and value, since
// `status` and others are DynamoDB reserved words.
const CONDITIONS: Record<Guard['kind'], string> = {
  absent: 'attribute_not_exists(#uploadId)',
  pending: '#status = :pending',
  'older-sequencer': '#objectSequencer < :objectSequencer',
  'same-etag': '#objectETag = :recordedETag AND attribute_not_exists(#objectSequencer)',
};

/** The item of an upload, always addressed by owner and id (the table's key). */
export function createUploadsTable(client: DynamoDBDocumentClient, tableName: string) {
  return {
    async get({ ownerSub, uploadId }: UploadAddress): Promise<UploadsItem | undefined> {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: { ownerSub, uploadId }, ConsistentRead: true }),
      );
      return Item === undefined ? undefined : parseUploadsItem(Item);
    },

    /**
     * One conditional UpdateItem. Throws ConditionalCheckFailedException when the item changed
     * since it was read (another delivery of an event for the same key got there first).
     */
    async write({ status, reason, guard, object, processedAt }: RecordWrite): Promise<void> {
      const set: Record<string, string | number> = {
        ...recordedUpload({ status, reason, fingerprint: object.fingerprint, object, processedAt }),
        // An item created here (no upload record) says which object it is about.
        ...(guard.kind === 'absent' && { objectKey: object.key }),
      };
      const remove = recordedAttributeNames.filter((name) => !(name in set));
      // DynamoDB refuses placeholders an expression does not use.
      const names = [...Object.keys(set), ...remove, ...(guard.kind === 'absent' ? ['uploadId'] : [])];
      const { ownerSub, uploadId } = object.address;
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { ownerSub, uploadId },
          UpdateExpression:
            `SET ${Object.keys(set)
              .map((name) => `#${name} = :${name}`)
              .join(', ')}` +
            (remove.length > 0 ? ` REMOVE ${remove.map((name) => `#${name}`).join(', ')}` : ''),
          ConditionExpression: CONDITIONS[guard.kind],
          ExpressionAttributeNames: Object.fromEntries(names.map((name) => [`#${name}`, name])),
          ExpressionAttributeValues: {
            ...Object.fromEntries(Object.entries(set).map(([name, value]) => [`:${name}`, value])),
            ...(guard.kind === 'pending' && { ':pending': 'PENDING' }),
            ...(guard.kind === 'same-etag' && { ':recordedETag': guard.eTag }),
          },
        }),
      );
    },
  };
}

export type UploadsTable = ReturnType<typeof createUploadsTable>;
