import { once } from 'node:events';
import { pino, type Logger } from 'pino';

/** pino's own stdout stream (SonicBoom), as far as ending it goes. */
interface SonicBoom extends NodeJS.EventEmitter {
  end(): void;
  flushSync(): void;
}

/**
 * Writes out every line logged so far and ends the log stream: the last step before
 * `process.exit`. pino writes to stdout asynchronously, and on exit it writes what is still
 * buffered at once, ahead of a line whose write is under way: that line comes out last, or not at
 * all. A logger given a destination of its own is left as it is.
 */
export async function endLogs(logger: Logger): Promise<void> {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  if (!isSonicBoom(stream)) return;
  const closed = once(stream, 'close');
  stream.end();
  await closed;
}

function isSonicBoom(stream: unknown): stream is SonicBoom {
  return (
    typeof stream === 'object' &&
    stream !== null &&
    typeof (stream as SonicBoom).end === 'function' &&
    typeof (stream as SonicBoom).flushSync === 'function'
  );
}
