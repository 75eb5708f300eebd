import { setImmediate } from 'node:timers/promises';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.ts';
import { captureOutput } from './capture.ts';

describe('trace context', () => {
  const provider = new TracerProvider();
  const tracer = provider.getTracer('logging-test');

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });

  afterAll(async () => {
    context.disable();
    await provider.shutdown();
  });

  it('adds trace_id, span_id and trace_flags inside an active span, across awaits', async () => {
    const output = captureOutput();
    const logger = createLogger({ service: 'api', level: 'info', destination: output.destination });

    const spanContext = await tracer.startActiveSpan('handle upload', async (span) => {
      logger.info('before await');
      await setImmediate();
      logger.info('after await');
      span.end();
      return span.spanContext();
    });

    expect(spanContext.traceId).toMatch(/^[0-9a-f]{32}$/);
    for (const line of output.lines()) {
      expect(line).toMatchObject({
        trace_id: spanContext.traceId,
        span_id: spanContext.spanId,
        trace_flags: '01',
      });
    }
    expect(output.lines()).toHaveLength(2);
  });

  it('uses the innermost active span', () => {
    const output = captureOutput();
    const logger = createLogger({ service: 'api', level: 'info', destination: output.destination });

    const [outer, inner] = tracer.startActiveSpan('outer', (outerSpan) => {
      const innerContext = tracer.startActiveSpan('inner', (innerSpan) => {
        logger.info('inner');
        innerSpan.end();
        return innerSpan.spanContext();
      });
      outerSpan.end();
      return [outerSpan.spanContext(), innerContext];
    });

    expect(output.lines()[0]).toMatchObject({ trace_id: outer?.traceId, span_id: inner?.spanId });
    expect(inner?.spanId).not.toBe(outer?.spanId);
  });

  it('adds no trace fields outside a span', () => {
    const output = captureOutput();
    const logger = createLogger({ service: 'api', level: 'info', destination: output.destination });
    tracer.startActiveSpan('finished', (span) => span.end());
    logger.info('outside');

    expect(trace.getActiveSpan()).toBeUndefined();
    expect(Object.keys(output.lines()[0] ?? {})).toEqual(['level', 'time', 'service', 'msg']);
  });
});
