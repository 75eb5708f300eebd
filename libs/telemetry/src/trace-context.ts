import { type Context, context, propagation, ROOT_CONTEXT, type TextMapGetter } from '@opentelemetry/api';

/** S3 object metadata (string values) or SQS `MessageAttributes` (`{ StringValue }` values). */
export type TraceCarrier = Readonly<Record<string, string | { StringValue?: string } | undefined>>;

/**
 * Writes the current trace context (`traceparent`, `tracestate`, `baggage`) into `carrier` and returns it,
 * e.g. `Metadata: injectTraceContext({})` on an S3 upload so whoever processes the object can link back.
 * SQS needs no call: the AWS SDK instrumentation adds the same fields to every message it sends.
 */
export function injectTraceContext(
  carrier: Record<string, string> = {},
  from: Context = context.active(),
): Record<string, string> {
  propagation.inject(from, carrier);
  return carrier;
}

const getter: TextMapGetter<TraceCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : value?.StringValue;
  },
};

/**
 * Reads the trace context that `injectTraceContext` (or the SQS instrumentation) wrote.
 * Start a child span in the returned context to continue that trace, or pass
 * `trace.getSpanContext(ctx)` as a span link to point at it.
 * Starts from the root context on purpose: an object or a message belongs to the trace that
 * produced it, not to whatever span is active while it is being polled.
 */
export function extractTraceContext(carrier: TraceCarrier): Context {
  return propagation.extract(ROOT_CONTEXT, carrier, getter);
}
