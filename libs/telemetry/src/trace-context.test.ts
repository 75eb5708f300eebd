import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanLine } from './json-lines-span-exporter.ts';
import { startTelemetry, type Telemetry } from './start-telemetry.ts';
import { extractTraceContext, injectTraceContext } from './trace-context.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyless-telemetry-'));
const tracesFile = join(dir, 'traces.jsonl');
let telemetry: Telemetry;
const tracer = () => trace.getTracer('trace-context.test');

beforeAll(() => {
  telemetry = startTelemetry({ serviceName: 'trace-context-test', environment: 'test', tracesFile });
});

afterAll(async () => {
  await telemetry.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('injectTraceContext / extractTraceContext', () => {
  it('round-trips the active span through S3 object metadata', async () => {
    const metadata = tracer().startActiveSpan('presign upload', (span) => {
      span.end();
      return injectTraceContext();
    });
    const [line] = (await spans()).filter((span) => span.name === 'presign upload');

    expect(metadata.traceparent).toBe(`00-${line?.traceId}-${line?.spanId}-01`);
    expect(trace.getSpanContext(extractTraceContext(metadata))).toMatchObject({
      traceId: line?.traceId,
      spanId: line?.spanId,
      isRemote: true,
    });
  });

  it('reads SQS message attributes, so a worker can continue the producer trace', async () => {
    const { traceparent = '' } = tracer().startActiveSpan('send', (span) => {
      span.end();
      return injectTraceContext();
    });
    const messageAttributes = { traceparent: { DataType: 'String', StringValue: traceparent } };

    const child = tracer().startSpan('process', {}, extractTraceContext(messageAttributes));
    child.end();
    const [send] = (await spans()).filter((span) => span.name === 'send');
    const [process] = (await spans()).filter((span) => span.name === 'process');

    expect(process).toMatchObject({ traceId: send?.traceId, parentSpanId: send?.spanId });
  });

  it('carries baggage next to the trace context', () => {
    const withBaggage = propagation.setBaggage(
      context.active(),
      propagation.createBaggage({ 'upload.id': { value: 'u-123' } }),
    );
    const carrier = injectTraceContext({}, withBaggage);

    expect(carrier.baggage).toBe('upload.id=u-123');
    expect(propagation.getBaggage(extractTraceContext(carrier))?.getEntry('upload.id')?.value).toBe('u-123');
  });

  it('gives no parent for a carrier without trace context', () => {
    expect(trace.getSpanContext(extractTraceContext({ 'content-type': 'text/plain' }))).toBeUndefined();
  });

  it('does not parent extracted work under the span that happens to be active', () => {
    tracer().startActiveSpan('poll', (poll) => {
      expect(trace.getSpanContext(extractTraceContext({}))).toBeUndefined();
      poll.end();
    });
  });
});

describe('startTelemetry', () => {
  it('puts service.name on every span', async () => {
    tracer().startSpan('anything').end();
    expect(new Set((await spans()).map((span) => span.resource['service.name']))).toEqual(
      new Set(['trace-context-test']),
    );
  });

  it('refuses a second start in the same process', () => {
    expect(() => startTelemetry({ serviceName: 'again' })).toThrow('already started');
  });
});

async function spans(): Promise<SpanLine[]> {
  await telemetry.flush();
  return readFileSync(tracesFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SpanLine);
}
