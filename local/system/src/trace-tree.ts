// Follows one request across every hop from the spans all services append to one file: parent
// edges within a trace, and span links where a hop starts a new trace (S3 → Lambda), so the
// asynchronous edges that no header carries are visible too.
import { readFileSync } from 'node:fs';
import type { SpanLine } from '@keyless/telemetry';

export interface TraceEdge {
  from: SpanLine;
  to: SpanLine;
  kind: 'parent' | 'link';
}

export function readSpans(file: string): SpanLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SpanLine);
}

/** Every span reachable from `rootTraceId` by parent or link edges, and those edges. */
export function connectedSpans(spans: SpanLine[], rootTraceId: string) {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const traces = new Set([rootTraceId]);
  for (let grew = true; grew;) {
    grew = false;
    for (const span of spans) {
      if (!traces.has(span.traceId) && span.links.some((link) => traces.has(link.traceId))) {
        traces.add(span.traceId);
        grew = true;
      }
    }
  }
  const members = spans.filter((span) => traces.has(span.traceId));
  const edges: TraceEdge[] = [];
  for (const span of members) {
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    if (parent) edges.push({ from: parent, to: span, kind: 'parent' });
    for (const link of span.links) {
      const linked = byId.get(link.spanId);
      if (linked) edges.push({ from: linked, to: span, kind: 'link' });
    }
  }
  return { spans: members, edges };
}

/** The tree as text: one line per span, children indented, a linked hop marked with ⤷. */
export function renderTree(spans: SpanLine[], edges: TraceEdge[]): string {
  const children = new Map<string, TraceEdge[]>();
  for (const edge of edges) children.set(edge.from.spanId, [...(children.get(edge.from.spanId) ?? []), edge]);
  const hasIncoming = new Set(edges.map((edge) => edge.to.spanId));
  const lines: string[] = [];
  const seen = new Set<string>();
  const visit = (span: SpanLine, depth: number, via: TraceEdge['kind'] | 'root') => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    const marker = via === 'link' ? '⤷ ' : '';
    lines.push(
      `${'  '.repeat(depth)}${marker}${span.resource['service.name']}: ${span.name} (${span.durationMs.toFixed(1)} ms)`,
    );
    const next = (children.get(span.spanId) ?? []).sort((a, b) =>
      a.to.startTime.localeCompare(b.to.startTime),
    );
    for (const edge of next) visit(edge.to, depth + 1, edge.kind);
  };
  for (const root of spans.filter((span) => !hasIncoming.has(span.spanId))) visit(root, 0, 'root');
  return lines.join('\n');
}
