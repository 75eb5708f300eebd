import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface QueueRefs {
  url: string;
  arn: string;
}

/** After this many failed receives SQS moves a message to the DLQ instead of retrying forever. */
export const maxReceiveCount = 5;

async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<QueueRefs> {
  // CreateQueue is idempotent when the attributes match, which is what makes a re-run safe.
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`no ARN for queue ${name}`);
  return { url: QueueUrl, arn };
}

export async function ensureQueues(
  sqs: SQSClient,
  names: { ledgerEventsQueue: string; ledgerEventsDlq: string; uploadFailuresQueue: string },
) {
  const retention = { MessageRetentionPeriod: String(14 * 24 * 3600) };
  const ledgerEventsDlq = await ensureQueue(sqs, names.ledgerEventsDlq, retention);
  const ledgerEvents = await ensureQueue(sqs, names.ledgerEventsQueue, {
    VisibilityTimeout: '60',
    ReceiveMessageWaitTimeSeconds: '20',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: ledgerEventsDlq.arn, maxReceiveCount }),
  });
  const uploadFailures = await ensureQueue(sqs, names.uploadFailuresQueue, retention);
  return { ledgerEvents, ledgerEventsDlq, uploadFailures };
}
