import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from '@keyless/logging';
import type { AsyncInvoker } from './async-invoker.ts';

export interface EventPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Events being invoked or waiting for a retry at the same time. */
  maxInFlight: number;
  invokeAsync: AsyncInvoker;
  logger: Logger;
}

/**
 * Takes S3's notifications off the events queue and hands each to the asynchronous invoker,
 * exactly once per message: a message is deleted only when its event succeeded or went to the
 * failure destination. Until then it stays invisible (the queue's visibility timeout covers all
 * attempts), and if the runtime stops or crashes first, SQS delivers it again later.
 */
export function startEventPoller({ sqs, queueUrl, maxInFlight, invokeAsync, logger }: EventPollerOptions) {
  const abort = new AbortController();
  const inFlight = new Set<Promise<void>>();

  async function handle(message: Message): Promise<void> {
    // S3 sends JSON; anything else is passed on as it is and fails in the function, visibly.
    let event: unknown = message.Body;
    try {
      event = JSON.parse(message.Body ?? '');
    } catch {
      logger.warn({ event: 'lambda.event-not-json', messageId: message.MessageId }, 'event is not JSON');
    }
    try {
      await invokeAsync(event, abort.signal);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    } catch (error) {
      if (abort.signal.aborted) return;
      logger.error(
        { event: 'lambda.delivery-failed', err: error, messageId: message.MessageId },
        'event left for redelivery',
      );
    }
  }

  async function poll(): Promise<void> {
    while (!abort.signal.aborted) {
      if (inFlight.size >= maxInFlight) {
        await Promise.race(inFlight);
        continue;
      }
      let messages: Message[] = [];
      try {
        ({ Messages: messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, maxInFlight - inFlight.size),
            WaitTimeSeconds: 1,
          }),
          { abortSignal: abort.signal },
        ));
      } catch (error) {
        if (abort.signal.aborted) return;
        logger.error({ event: 'lambda.poll-failed', err: error }, 'receiving events failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      for (const message of messages) {
        const task = handle(message).finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
    }
  }

  const polling = poll();
  return {
    /** Stops receiving, cancels pending retries and waits for running invocations to end. */
    async stop(): Promise<void> {
      abort.abort();
      await polling;
      await Promise.allSettled(inFlight);
    },
  };
}
