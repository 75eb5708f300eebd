import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { extractTraceContext } from '@keyless/telemetry';

// Only the OpenTelemetry API is bundled. The SDK (provider, exporter, propagators) is the
// execution environment's: the local Lambda runtime starts the function with
// `--import @keyless/telemetry/register`, as the services run; on AWS an OpenTelemetry Lambda layer
// plays that part. Without either, spans are no-ops and nothing else changes.
const tracer = trace.getTracer('upload-processor');

/** Runs `work` in a consumer span that ends with it and records its error, if any. */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Links the span to the request that issued the upload URL. The api put that trace context in the
 * object's metadata; S3 does not carry it into the event, and an event starts a trace of its own,
 * so this is a link, not a parent.
 */
export function linkToUploader(span: Span, metadata: Record<string, string>): void {
  const uploader = trace.getSpanContext(extractTraceContext(metadata));
  if (uploader) span.addLink({ context: uploader });
}

/**
 * Exports the spans of this invocation before the handler returns: Lambda freezes the process
 * between invocations, and a batching exporter would otherwise hold them until the next one.
 * The provider is reached through the API (duck-typed: it may come from another copy of it).
 */
export async function flushTraces(): Promise<void> {
  const provider: unknown = trace.getTracerProvider();
  const delegate = hasMethod(provider, 'getDelegate') ? provider.getDelegate() : provider;
  if (hasMethod(delegate, 'forceFlush')) await delegate.forceFlush();
}

function hasMethod<K extends string>(value: unknown, name: K): value is Record<K, () => unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[name] === 'function'
  );
}
