import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { FUNCTION_VERSION } from './function-definition.ts';
import type { LambdaError } from './runtime/execution-environment.ts';

/** The record Lambda sends to an asynchronous invocation's on-failure destination. */
export interface DestinationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetriesExhausted';
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: 200; executedVersion: string; functionError: 'Unhandled' };
  responsePayload: LambdaError;
}

export function destinationRecord(failure: {
  requestId: string;
  functionArn: string;
  invokeCount: number;
  event: unknown;
  error: LambdaError;
}): DestinationRecord {
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: failure.requestId,
      functionArn: `${failure.functionArn}:${FUNCTION_VERSION}`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: failure.invokeCount,
    },
    requestPayload: failure.event,
    responseContext: { statusCode: 200, executedVersion: FUNCTION_VERSION, functionError: 'Unhandled' },
    responsePayload: failure.error,
  };
}

/**
 * Sends to an SQS failure destination as Lambda does: with the function's execution role (which
 * is why that role needs sqs:SendMessage on the queue).
 */
export function sqsFailureDestination(
  queueUrl: string,
  sqs: SQSClient,
): (record: DestinationRecord) => Promise<void> {
  return async (record) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(record) }));
  };
}
