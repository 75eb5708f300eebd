import { isSpanContextValid, trace } from '@opentelemetry/api';

export interface TraceContextFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

/**
 * The active span's ids, in the field names and formats the OpenTelemetry spec recommends for
 * non-OTLP log formats, so a log line can be joined to its trace.
 */
export function traceContext(): TraceContextFields {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: spanContext.traceFlags.toString(16).padStart(2, '0'),
  };
}
