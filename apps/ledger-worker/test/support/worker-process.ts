// Runs the real worker as a child process, exactly as its container does:
// `node --import @keyless/telemetry/register src/main.ts`, configured only through its environment.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { spawnOwned } from '@keyless/owned-process';
import { emulatorAccountId, freePort } from '@keyless/local-platform';

const appDir = join(import.meta.dirname, '..', '..');

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** An EMF document as Powertools writes it: metric values at the top level, definitions in `_aws`. */
export interface EmfDocument {
  _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string; Unit: string }[] }[] };
  [field: string]: unknown;
}

export interface WorkerProcess {
  child: ChildProcess;
  healthUrl: string;
  logs(message?: string): LogLine[];
  emf(): EmfDocument[];
  /** Sum of a metric's values over every EMF document printed so far. */
  metricTotal(name: string): number;
  output(): string;
  waitUntilReady(): Promise<void>;
  readiness(): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface WorkerEnvironment {
  region: string;
  awsEndpoint: string;
  queueUrl: string;
  /** The writer's secret (the platform's name for it: a shared emulator's is a run's own). */
  writerSecretId: string;
  [variable: string]: string;
}

export async function startWorkerProcess({
  region,
  awsEndpoint,
  queueUrl,
  writerSecretId,
  ...extra
}: WorkerEnvironment) {
  const healthPort = await freePort();
  const child = spawnOwned(process.execPath, ['--import', '@keyless/telemetry/register', 'src/main.ts'], {
    cwd: appDir,
    env: {
      PATH: process.env.PATH,
      OTEL_SERVICE_NAME: 'ledger-worker',
      AWS_REGION: region,
      AWS_ENDPOINT_URL: awsEndpoint,
      // Emulator credentials for this child only, the way Lambda hands credentials to a function:
      // the default chain finds them in the environment. Nothing in the worker's code names them.
      // A 12-digit key id, so every emulator serves them in the account the platform set up
      // (LocalStack puts any other in 000000000000; docs/emulators.md).
      AWS_ACCESS_KEY_ID: emulatorAccountId,
      AWS_SECRET_ACCESS_KEY: 'ledger-worker-test-secret',
      AWS_SESSION_TOKEN: 'ledger-worker-test-session',
      QUEUE_URL: queueUrl,
      WRITER_SECRET_ID: writerSecretId,
      DB_SSL_MODE: 'disable',
      HEALTH_PORT: String(healthPort),
      WAIT_TIME_SECONDS: '1',
      METRICS_FLUSH_SECONDS: '1',
      RETRY_BASE_DELAY_SECONDS: '1',
      RETRY_MAX_DELAY_SECONDS: '1',
      LOG_LEVEL: 'debug',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const parsed: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        parsed.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not every line is JSON (a crash prints a stack); output() keeps everything.
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const healthUrl = `http://127.0.0.1:${healthPort}`;

  const readiness = async () => {
    const response = await fetch(`${healthUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const worker: WorkerProcess = {
    child,
    healthUrl,
    logs: (message) =>
      (parsed.filter((line) => typeof line.msg === 'string') as LogLine[]).filter(
        (line) => message === undefined || line.msg === message,
      ),
    emf: () => parsed.filter((line) => '_aws' in line) as EmfDocument[],
    metricTotal: (name) =>
      worker.emf().reduce((sum, doc) => {
        const value = doc[name];
        const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
        return sum + values.reduce((a: number, b) => a + Number(b), 0);
      }, 0),
    output: () => `${stdout}\n${stderr}`,
    waitUntilReady: async () => {
      for (;;) {
        if (child.exitCode !== null)
          throw new Error(`worker exited (${child.exitCode}):\n${stdout}\n${stderr}`);
        const status = await readiness().then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    readiness,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
  return worker;
}
