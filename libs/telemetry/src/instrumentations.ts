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
    // Kept for one thing: it names the HTTP server span after the route template (`http.route`).
    // Its spans per middleware, router and handler only restate the server span (SDK and pg spans
    // are children of that) and each one costs time on every request (bench:api).
    new ExpressInstrumentation({
      ignoreLayersType: [
        ExpressLayerType.MIDDLEWARE,
        ExpressLayerType.ROUTER,
        ExpressLayerType.REQUEST_HANDLER,
      ],
    }),
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
