/** One CloudWatch EMF document, as far as the tests look into it. */
export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

export function parseEmf(stdout: string): EmfDocument[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as EmfDocument);
}

/**
 * Runs `action` with process.stdout.write intercepted and returns the EMF documents written.
 * Powertools writes through its own Console bound to process.stdout, so this sees exactly what
 * CloudWatch would, without reaching into the library.
 */
export function captureEmf(action: () => void): EmfDocument[] {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  try {
    action();
  } finally {
    process.stdout.write = write;
  }
  return parseEmf(chunks.join(''));
}
