import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { REDACTED, redactPaths } from './redact-paths.ts';
import { traceContext } from './trace-context.ts';

export interface LoggerOptions {
  /** Written as `service` on every line. */
  service: string;
  level: LevelWithSilent;
  /** Where the JSON lines go; stdout when omitted. */
  destination?: DestinationStream;
}

/**
 * A pino logger writing one JSON object per line: `level` as a label, ISO `time`, `service`,
 * the active span's `trace_id`/`span_id`/`trace_flags`, and secrets censored (see redactPaths).
 */
export function createLogger({ service, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      // No pid or hostname: in a container pid is 1 and the hostname a random id, and the log
      // stream (task, pod, function) already says where a line came from.
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
      mixin: traceContext,
      redact: { paths: [...redactPaths], censor: REDACTED },
    },
    destination,
  );
}
