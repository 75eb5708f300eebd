import { PutBucketNotificationConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface S3Trigger {
  bucket: string;
  /** Only keys under this prefix invoke the function (`incoming/`). */
  prefix: string;
  /** Default `s3:ObjectCreated:*`. */
  events?: string[];
}

/**
 * Points the bucket's event notifications at a queue the local runtime reads, because the
 * emulator cannot invoke Lambda code itself. On AWS the same notification names the function
 * (a LambdaFunctionConfiguration); the queue stands in for Lambda's internal event queue.
 * The bucket's notification configuration is replaced as a whole, as PutBucketNotification does.
 */
export async function configureS3Trigger(
  clients: { s3: S3Client; sqs: SQSClient },
  trigger: S3Trigger,
  queue: { name: string; visibilityTimeoutSeconds: number },
) {
  const { QueueUrl: queueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: queue.name }));
  if (!queueUrl) throw new Error(`CreateQueue returned no URL for ${queue.name}`);
  await clients.sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: { VisibilityTimeout: String(queue.visibilityTimeoutSeconds) },
    }),
  );
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = Attributes?.QueueArn;
  if (!queueArn) throw new Error(`no ARN for queue ${queue.name}`);
  const notify = (configuration: object) =>
    clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: trigger.bucket,
        NotificationConfiguration: configuration,
      }),
    );
  await notify({
    QueueConfigurations: [
      {
        Id: queue.name,
        QueueArn: queueArn,
        Events: trigger.events ?? ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: trigger.prefix }] } },
      },
    ],
  });
  return {
    queueUrl,
    /** Stops the bucket's notifications (when the runtime stops). */
    remove: () => notify({}),
  };
}
