import { appendFileSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  type ExportResult,
  ExportResultCode,
  hrTimeToMicroseconds,
  hrTimeToTimeStamp,
} from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** One line of the traces file. `parentSpanId` is absent on root spans. */
export interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  links: { traceId: string; spanId: string; attributes: Attributes }[];
  name: string;
  kind: keyof typeof SpanKind;
  /** ISO-8601 with nanoseconds, so lines sort by time as plain strings. */
  startTime: string;
  endTime: string;
  durationMs: number;
  attributes: Attributes;
  status: { code: keyof typeof SpanStatusCode; message?: string };
  resource: { 'service.name': string };
}

/**
 * Appends each ended span to a file as one JSON line, for reading traces locally without a collector.
 * Each export is one synchronous append of whole lines, so several services can share one file
 * without their lines interleaving.
 */
export class JsonLinesSpanExporter implements SpanExporter {
  readonly #fd: number;
  #closed = false;

  constructor(path: string) {
    // Opening now makes an unwritable path fail at startup instead of dropping every span later.
    mkdirSync(dirname(path), { recursive: true });
    this.#fd = openSync(path, 'a');
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      appendFileSync(this.#fd, spans.map((span) => `${JSON.stringify(toSpanLine(span))}\n`).join(''));
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

export function toSpanLine(span: ReadableSpan): SpanLine {
  const { traceId, spanId } = span.spanContext();
  return {
    traceId,
    spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: link.attributes ?? {},
    })),
    name: span.name,
    kind: SpanKind[span.kind] as keyof typeof SpanKind,
    startTime: hrTimeToTimeStamp(span.startTime),
    endTime: hrTimeToTimeStamp(span.endTime),
    durationMs: hrTimeToMicroseconds(span.duration) / 1000,
    attributes: span.attributes,
    status: {
      code: SpanStatusCode[span.status.code] as keyof typeof SpanStatusCode,
      message: span.status.message || undefined,
    },
    resource: { 'service.name': String(span.resource.attributes[ATTR_SERVICE_NAME]) },
  };
}
