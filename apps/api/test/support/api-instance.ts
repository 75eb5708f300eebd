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
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the api exactly as its container does (`node --import @keyless/telemetry/register
 * src/main.ts`), with only `env` in its environment: the emulator credentials given here exist in
 * the child and nowhere else, and reach the service through the SDK's default provider chain.
 */
export async function startApiInstance(env: Record<string, string>): Promise<ApiInstance> {
  const port = await freePort();
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
  const exited = once(child, 'exit');
  await Promise.race([
    waitFor('the api to listen', () => lines.some((line) => line.msg === 'listening'), 30_000),
    exited.then(() => {
      throw new Error(`the api exited with code ${child.exitCode} during start-up: ${stderr}`);
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
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
