// One Go component of the control plane as an owned process (tools/owned-process): its own process
// group tied to this process, its output in a log file, and a readiness wait that fails at once,
// with the log's tail, if the component exits first.
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { howItEnds, spawnOwned, stopOwned } from '@keyless/owned-process';

export interface Component {
  name: string;
  process: ChildProcess;
  logFile: string;
  /** Resolves once `ready()` is true; rejects when the process exits first or `timeoutMs` passes. */
  waitUntil(ready: () => Promise<boolean>, timeoutMs: number): Promise<void>;
  stop(graceMs?: number): Promise<void>;
  logTail(lines?: number): string;
}

export function startComponent(
  name: string,
  binary: string,
  args: string[],
  options: { logDir: string; env?: NodeJS.ProcessEnv; stopSignal?: NodeJS.Signals },
): Component {
  const logFile = join(options.logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawnOwned(binary, args, {
    stdio: ['ignore', fd, fd],
    env: options.env ?? process.env,
    stopSignal: options.stopSignal,
  });
  closeSync(fd);
  let exited: string | undefined;
  void howItEnds(child).then((how) => (exited = how));
  const logTail = (lines = 15) => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  return {
    name,
    process: child,
    logFile,
    logTail,
    async waitUntil(ready, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (exited) throw new Error(`${name} exited (${exited}) before it was ready:\n${logTail()}`);
        if (await ready().catch(() => false)) return;
        if (Date.now() > deadline) {
          throw new Error(
            `${name} was not ready after ${timeoutMs / 1000} s (log ${logFile}):\n${logTail()}`,
          );
        }
        await sleep(100);
      }
    },
    stop: (graceMs = 5_000) => stopOwned(child, graceMs),
  };
}
