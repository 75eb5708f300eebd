import type { DestinationStream } from 'pino';

/** A pino destination that keeps every byte written, so tests can search the raw output. */
export function captureOutput() {
  const chunks: string[] = [];
  const destination: DestinationStream = { write: (chunk) => void chunks.push(chunk) };
  const raw = () => chunks.join('');
  const lines = (): Record<string, unknown>[] =>
    raw()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { destination, raw, lines };
}
