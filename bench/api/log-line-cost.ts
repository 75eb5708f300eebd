import { openSync } from 'node:fs';
import { createLogger } from '@keyless/logging';
import { pino, type Logger } from 'pino';

/** Microseconds to write one access-log line (to /dev/null, synchronously), averaged over many. */
function perLine(logger: Logger, line: object): number {
  for (let i = 0; i < 1_000; i += 1) logger.info(line, 'request');
  const started = performance.now();
  for (let i = 0; i < 10_000; i += 1) logger.info(line, 'request');
  return Math.round(((performance.now() - started) / 10_000) * 1000 * 10) / 10;
}

/**
 * What one of the api's access-log lines costs with the shared logger (@keyless/logging: pino with
 * secrets censored and trace ids) and with plain pino, in this process.
 */
export function measureLogLineCost() {
  const destination = pino.destination({ fd: openSync('/dev/null', 'w'), sync: true });
  const line = {
    requestId: '305af16c-43c2-4ef1-b6a9-90385872c94f',
    method: 'GET',
    route: 'GET /v1/me',
    status: 200,
    latencyMs: 1.23,
    sub: '1e5ec904-6f68-4a82-8798-12d962c8c9a6',
  };
  return {
    keylessLoggerMicros: perLine(createLogger({ service: 'api', level: 'info', destination }), line),
    plainPinoMicros: perLine(pino({ base: { service: 'api' } }, destination), line),
  };
}
