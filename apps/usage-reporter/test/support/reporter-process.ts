import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { spawnOwned } from '@keyless/owned-process';
import type { ReporterSystem } from './reporter-system.ts';

const appDir = join(import.meta.dirname, '..', '..');

export interface ReporterRun {
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; lines: Record<string, unknown>[]; stderr: string }>;
  lines: Record<string, unknown>[];
  signal(signal: NodeJS.Signals): void;
}

/**
 * Starts the reporter as its container does (`npm start`'s command), with nothing in its
 * environment but what a pod would have: the region, the endpoints (emulator, STS front), the
 * credential mechanism's variables and its own configuration. No AWS keys.
 */
export function startReporter(
  system: ReporterSystem,
  mechanism: Record<string, string>,
  extra: Record<string, string> = {},
): ReporterRun {
  const { platform } = system;
  const child = spawnOwned(process.execPath, ['--import', '@keyless/telemetry/register', 'src/main.ts'], {
    cwd: appDir,
    env: {
      PATH: process.env.PATH ?? '',
      // The SDK would read ~/.aws; the test's scratch directory has none.
      HOME: system.dir,
      AWS_REGION: platform.region,
      AWS_ENDPOINT_URL: platform.endpoints.aws,
      AWS_ENDPOINT_URL_STS: system.stsEndpoint,
      FILES_BUCKET: platform.resources.names.bucket,
      // The ledger through its proxy, TLS verified against the local CA: an IAM token, no secret.
      LEDGER_PROXY_HOST: 'localhost',
      LEDGER_PROXY_PORT: String(system.ledgerProxy.port),
      LEDGER_DB_NAME: platform.resources.database.name,
      DB_SSL_CA_FILE: system.caFile,
      OTEL_SERVICE_NAME: 'usage-reporter',
      ...mechanism,
      ...extra,
    },
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ text: line });
    }
  });
  const exited = once(child, 'close').then(([code]) => ({ code: code as number | null, lines, stderr }));
  return { exited, lines, signal: (signal) => child.kill(signal) };
}

/** Runs the reporter to completion. */
export function runReporter(...args: Parameters<typeof startReporter>) {
  return startReporter(...args).exited;
}

/** The reporter's log line with this message (the first one). */
export function lineWith(lines: Record<string, unknown>[], msg: string): Record<string, unknown> | undefined {
  return lines.find((line) => line.msg === msg);
}
