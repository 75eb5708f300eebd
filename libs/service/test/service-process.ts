import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const fixture = join(import.meta.dirname, 'fixtures', 'service.ts');

export interface ServiceProcess {
  /** Every stdout line parsed: pino's log lines and Powertools' EMF documents. */
  lines: Record<string, unknown>[];
  signal(signal: NodeJS.Signals): void;
  /** Resolves once a log line with this message has been written. */
  logged(msg: string): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; stderr: string }>;
}

/** Starts the fixture service with nothing in its environment but `env` (and PATH). */
export function startService(env: Record<string, string>, nodeOptions: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, [...nodeOptions, fixture], {
    cwd: join(import.meta.dirname, '..'),
    env: { PATH: process.env.PATH, ...env },
  });
  const lines: Record<string, unknown>[] = [];
  const waiting: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const wait of waiting.filter((w) => w.msg === line.msg)) wait.resolve(line);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'close').then(([code]) => ({ code: code as number | null, stderr }));
  return {
    lines,
    signal: (signal) => child.kill(signal),
    logged: (msg) => {
      const seen = lines.find((line) => line.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiting.push({ msg, resolve });
        void exited.then(({ code }) => reject(new Error(`exited (${code}) without logging "${msg}"`)));
      });
    },
    exited,
  };
}

/** Starts the fixture service, sends `signal` once it has started, and resolves once it has exited. */
export async function stopService(
  env: Record<string, string>,
  signal: NodeJS.Signals = 'SIGTERM',
  nodeOptions: string[] = [],
) {
  const service = startService(env, nodeOptions);
  await service.logged('started');
  service.signal(signal);
  const { code } = await service.exited;
  return {
    code,
    lines: service.lines,
    line: (msg: string) => service.lines.find((line) => line.msg === msg),
  };
}

export const messagesOf = (lines: Record<string, unknown>[]) =>
  lines.filter((line) => typeof line.msg === 'string').map((line) => line.msg);

export const emfOf = (lines: Record<string, unknown>[]) => lines.filter((line) => '_aws' in line);
