import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@keyless/logging';
import type { OutputLine } from './service-process.ts';

const width = 16;

/**
 * Pulls the human part out of a pino JSON line: level, message and the fields a reader asks for.
 * Nothing for an EMF metric record (its `_aws` key): it is data for CloudWatch, with no message.
 */
function readable(line: string): string | undefined {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null) return line;
  if ('_aws' in entry) return undefined;
  const { level, msg, time: _time, service: _service, trace_id: traceId, ...rest } = entry;
  const detail = ['decision', 'role', 'target', 'reason', 'status', 'route', 'outcome', 'error']
    .filter((key) => rest[key] !== undefined)
    .map((key) => `${key}=${typeof rest[key] === 'string' ? rest[key] : JSON.stringify(rest[key])}`);
  const trace = typeof traceId === 'string' ? ` trace=${traceId.slice(0, 8)}` : '';
  return `${String(level ?? '').padEnd(5)} ${String(msg ?? '')}${detail.length ? ` ${detail.join(' ')}` : ''}${trace}`;
}

/**
 * Prints each service's lines behind its name, without EMF metric records; every line as raw JSON
 * (one object per line, metric records included) with `json`.
 */
export function logOutput(json: boolean, write: (text: string) => void): OutputLine {
  return (service, line) => {
    if (json) {
      write(`${line.startsWith('{') ? line : JSON.stringify({ service, msg: line })}\n`);
      return;
    }
    const text = readable(line);
    if (text !== undefined) write(`${service.padEnd(width)}| ${text}\n`);
  };
}

/** A stream for in-process loggers (the identity plane) that feeds the same output. */
export function outputStream(service: string, output: OutputLine): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) output(service, line);
      done();
    },
  });
}

/** A logger for a part that runs in this process (the ALB, the Lambda runtime), printed under its own name. */
export function outputLogger(service: string, output: OutputLine): Logger {
  return createLogger({ service, level: 'info', destination: outputStream(service, output) });
}
