import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Writable } from 'node:stream';

let pipe: Writable | undefined;

/**
 * The pipe to this process's watchdog, started on first use. Nothing else holds the pipe's write
 * end, so the kernel closes it when this process ends, even by SIGKILL: the watchdog's cue.
 */
function lifeline(): Writable {
  if (pipe) return pipe;
  const watchdog = spawn(process.execPath, [join(import.meta.dirname, 'watchdog.ts')], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  const stdin = watchdog.stdin as Writable & { unref(): void };
  // Neither the watchdog nor its pipe may keep the owner's event loop alive.
  stdin.unref();
  stdin.on('error', () => undefined);
  pipe = stdin;
  return pipe;
}

const tell = (line: string) => void lifeline().write(`${line}\n`);

/** Until released, the watchdog signals this process group if the owner ends first. */
export const holdGroup = (pgid: number, signal: NodeJS.Signals) => tell(`+group ${pgid} ${signal}`);
export const releaseGroup = (pgid: number) => tell(`-group ${pgid}`);

/** Until released, the watchdog deletes this path (recursively) if the owner ends first. */
export const holdPath = (path: string) => tell(`+path ${path}`);
export const releasePath = (path: string) => tell(`-path ${path}`);
