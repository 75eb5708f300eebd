import { createLogger, type Logger } from '@keyless/logging';

export interface CapturedLogger {
  logger: Logger;
  /** Every line written so far, parsed. */
  lines: Record<string, unknown>[];
}

export function captureLogger(): CapturedLogger {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'identity-plane-test',
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}
