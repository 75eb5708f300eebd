import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

/**
 * The libraries the services use. Constructing an instrumentation enables it, which installs its
 * require/import hooks: call this only after the ESM loader hook is registered (see register.ts).
 */
export function createInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation(),
    // Route and handler spans say where time went; a span per middleware (helmet, body parser) is noise.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
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
