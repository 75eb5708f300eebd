import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Running {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a Node process with only `env` (plus PATH); its output is discarded, as a log driver would take it. */
export function startNode(
  name: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Running {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal === null) console.error(`${name} exited with code ${code}`);
  });
  return {
    name,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls `url` until it answers `status`. */
export async function waitForStatus(
  url: string,
  status: number,
  headers: Record<string, string> = {},
): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    try {
      if ((await fetch(url, { headers })).status === status) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} never answered ${status}`);
}
