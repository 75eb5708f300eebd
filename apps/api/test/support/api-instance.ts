import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { spawnOwned } from '@keyless/owned-process';
import { freePort } from '@keyless/local-platform';
import { waitFor } from './wait-for.ts';

const apiDir = join(import.meta.dirname, '..', '..');

/** One JSON line the api wrote: a log line or an EMF document. */
export type OutputLine = Record<string, unknown>;

export interface ApiInstance {
  url: string;
  port: number;
  child: ChildProcessWithoutNullStreams;
  lines: OutputLine[];
  stderr: () => string;
  /** Sends `signal` and resolves with the exit code, once every line the api wrote is in `lines`. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The api ended before it listened: its exit code, stderr and every line it wrote. */
export class ExitedDuringStartup extends Error {
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly lines: OutputLine[];

  constructor(exitCode: number | null, stderr: string, lines: OutputLine[]) {
    super(`the api exited with code ${exitCode} during start-up: ${stderr}`);
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.lines = lines;
  }
}

/**
 * Starts the api exactly as its container does (`node --import @keyless/telemetry/register
 * src/main.ts`), with only `env` in its environment: the emulator credentials given here exist in
 * the child and nowhere else, and reach the service through the SDK's default provider chain.
 */
export async function startApiInstance(env: Record<string, string>): Promise<ApiInstance> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawnOwned(process.execPath, ['--import', '@keyless/telemetry/register', 'src/main.ts'], {
    cwd: apiDir,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env },
  });
  const lines: OutputLine[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as OutputLine);
    } catch {
      lines.push({ text: line });
    }
  });
  // 'close' comes once stdout and stderr are read to the end, after 'exit'.
  const closed = once(child, 'close');
  await Promise.race([
    waitFor('the api to listen', () => lines.some((line) => line.msg === 'listening'), 30_000),
    closed.then(() => {
      throw new ExitedDuringStartup(child.exitCode, stderr, lines);
    }),
  ]);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    lines,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      await closed;
      return child.exitCode;
    },
  };
}
