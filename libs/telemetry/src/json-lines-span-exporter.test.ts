import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonLinesSpanExporter, type SpanLine } from './json-lines-span-exporter.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyless-telemetry-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function providerWritingTo(path: string, serviceName: string) {
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new JsonLinesSpanExporter(path) })],
  });
}

function readLines(path: string): SpanLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SpanLine);
}

describe('JsonLinesSpanExporter', () => {
  it('writes one line per span with ids, parent, links, kind, times, attributes, status and service', async () => {
    const path = join(dir, 'nested', 'traces.jsonl');
    const provider = providerWritingTo(path, 'upload-processor');
    const tracer = provider.getTracer('test');

    const upstream = tracer.startSpan('PUT incoming/a.txt', { kind: SpanKind.SERVER });
    upstream.end();
    const parent = tracer.startSpan('fingerprint', {
      links: [{ context: upstream.spanContext(), attributes: { why: 'uploaded' } }],
    });
    const child = tracer.startSpan(
      'S3.GetObject',
      { kind: SpanKind.CLIENT, attributes: { 'rpc.service': 'S3' } },
      trace.setSpan(ROOT_CONTEXT, parent),
    );
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'AccessDenied' });
    child.end();
    parent.end();
    await provider.shutdown();

    const lines = readLines(path);
    expect(lines).toHaveLength(3);
    const [, childLine, parentLine] = lines as [SpanLine, SpanLine, SpanLine];
    expect(parentLine).toMatchObject({
      traceId: parent.spanContext().traceId,
      spanId: parent.spanContext().spanId,
      links: [
        {
          traceId: upstream.spanContext().traceId,
          spanId: upstream.spanContext().spanId,
          attributes: { why: 'uploaded' },
        },
      ],
      name: 'fingerprint',
      kind: 'INTERNAL',
      status: { code: 'UNSET' },
      resource: { 'service.name': 'upload-processor' },
    });
    expect(parentLine).not.toHaveProperty('parentSpanId');
    expect(childLine).toMatchObject({
      traceId: parent.spanContext().traceId,
      parentSpanId: parent.spanContext().spanId,
      kind: 'CLIENT',
      attributes: { 'rpc.service': 'S3' },
      status: { code: 'ERROR', message: 'AccessDenied' },
    });
    expect(childLine.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(childLine.endTime >= childLine.startTime).toBe(true);
    expect(childLine.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('appends, so several services can share one file', async () => {
    const path = join(dir, 'traces.jsonl');
    const api = providerWritingTo(path, 'api');
    const worker = providerWritingTo(path, 'ledger-worker');

    api.getTracer('test').startSpan('a').end();
    worker.getTracer('test').startSpan('b').end();
    api.getTracer('test').startSpan('c').end();
    await Promise.all([api.shutdown(), worker.shutdown()]);

    expect(readLines(path).map((line) => [line.resource['service.name'], line.name])).toEqual([
      ['api', 'a'],
      ['ledger-worker', 'b'],
      ['api', 'c'],
    ]);
  });

  it('fails when created, not at the first span, if the file cannot be opened', () => {
    const notADirectory = join(dir, 'file');
    writeFileSync(notADirectory, '');
    expect(() => new JsonLinesSpanExporter(join(notADirectory, 'traces.jsonl'))).toThrow(/ENOTDIR|EEXIST/);
  });
});
