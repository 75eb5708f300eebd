import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { nameServerSpanAfterRoute } from './name-server-span.ts';

/**
 * The libraries the services use. Constructing an instrumentation enables it, which installs its
 * require/import hooks: call this only after the ESM loader hook is registered (see register.ts).
 */
export function createInstrumentations(): Instrumentation[] {
  return [
    // No Express instrumentation: its spans per layer only restated the server span, and even with
    // every layer type ignored it cost ~12 µs a request (bench:api) to learn the route, which the
    // request already carries when the response finishes.
    new HttpInstrumentation({ applyCustomAttributesOnSpan: nameServerSpanAfterRoute }),
    new AwsInstrumentation({
      // One span per SDK call: without this every S3/SQS/DynamoDB call also gets an HTTP child span.
      suppressInternalInstrumentation: true,
      // Producers here send to SQS directly, so trace context travels in message attributes
      // (injected by this instrumentation). Payload parsing is only for SNS-to-SQS fan-out.
      sqsExtractContextPropagationFromPayload: false,
    }),
    new PgInstrumentation(),
  ];
}
