import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import { createInstrumentations } from './instrumentations.ts';
import { createSampler } from './create-sampler.ts';
import { JsonLinesSpanExporter } from './json-lines-span-exporter.ts';
import type { TelemetryOptions } from './telemetry-config.ts';

export interface Telemetry {
  /** Exports every ended span now; a Lambda handler awaits this before returning. */
  flush(): Promise<void>;
  /** Flushes, then stops exporting. Call it once, when the process is about to exit. */
  shutdown(): Promise<void>;
}

let running: Telemetry | undefined;

/**
 * Starts the OpenTelemetry Node SDK for this process: resource, W3C trace context + baggage
 * propagation, HTTP/Express/AWS SDK/pg instrumentation and the configured exporters.
 * Instrumentation only patches modules loaded after this call, so services start it with
 * `node --import @keyless/telemetry/register`, which also installs the ESM loader hook.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (running) throw new Error('Telemetry is already started in this process');

  const processors = spanProcessors(options);
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: defaultResource().merge(resourceFromAttributes(resourceAttributes(options))),
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    instrumentations: createInstrumentations(),
    // Even with nowhere to export, spans are still created: trace ids then reach log lines and the
    // services downstream. (The SDK installs no tracer provider at all for an empty list.)
    spanProcessors: processors.length > 0 ? processors : [new NoopSpanProcessor()],
    sampler: createSampler(options.sampler ?? { name: 'parentbased_always_on', ratio: 1 }),
    // Empty lists, not omitted: left out, the SDK defaults both to OTLP exporters aimed at localhost.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  const telemetry: Telemetry = {
    flush: async () => {
      await Promise.all(processors.map((processor) => processor.forceFlush()));
    },
    shutdown: () => {
      stopping ??= sdk.shutdown().finally(() => {
        running = undefined;
      });
      return stopping;
    },
  };
  running = telemetry;
  return telemetry;
}

/** Flushes the telemetry started in this process (by `startTelemetry` or the register entry); no-op when none. */
export async function flushTelemetry(): Promise<void> {
  await running?.flush();
}

/** Shuts down the telemetry started in this process; no-op when none. The app calls it on SIGTERM. */
export async function shutdownTelemetry(): Promise<void> {
  await running?.shutdown();
}

function spanProcessors({ otlpTracesUrl, tracesFile }: TelemetryOptions): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (otlpTracesUrl !== undefined) {
    processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: otlpTracesUrl }) }));
  }
  if (tracesFile !== undefined) {
    // Unbatched: a span is written as it ends (once resource detection has settled, a few ms after
    // start), so a local trace shows up without waiting for a batch or a clean exit.
    processors.push(new SimpleSpanProcessor({ exporter: new JsonLinesSpanExporter(tracesFile) }));
  }
  return processors;
}

function resourceAttributes({
  serviceName,
  serviceVersion,
  environment,
}: TelemetryOptions): Record<string, string> {
  return {
    [ATTR_SERVICE_NAME]: serviceName,
    ...(serviceVersion !== undefined && { [ATTR_SERVICE_VERSION]: serviceVersion }),
    ...(environment !== undefined && { [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: environment }),
  };
}
