export { flushTelemetry, shutdownTelemetry, startTelemetry, type Telemetry } from './start-telemetry.ts';
export {
  readTelemetryConfig,
  type SamplerName,
  type SamplerSetting,
  type TelemetryConfig,
  type TelemetryOptions,
} from './telemetry-config.ts';
export { extractTraceContext, injectTraceContext, type TraceCarrier } from './trace-context.ts';
export type { SpanLine } from './json-lines-span-exporter.ts';
