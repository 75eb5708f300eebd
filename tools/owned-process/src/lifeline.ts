import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
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
const heldGroups = new Set<number>();
const heldPaths = new Set<string>();

/** Until released, the watchdog signals this process group if the owner ends first. */
export function holdGroup(pgid: number, signal: NodeJS.Signals): void {
  heldGroups.add(pgid);
  tell(`+group ${pgid} ${signal}`);
}

export function releaseGroup(pgid: number): void {
  heldGroups.delete(pgid);
  tell(`-group ${pgid}`);
}

/** Until released, the watchdog deletes this path (recursively) if the owner ends first. */
export function holdPath(path: string): void {
  heldPaths.add(path);
  tell(`+path ${path}`);
}

export function releasePath(path: string): void {
  heldPaths.delete(path);
  tell(`-path ${path}`);
}

/** For a forced stop: SIGKILL to every group still held and every held path deleted, now. */
export function killEverythingHeld(): void {
  for (const pgid of heldGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const path of heldPaths) rmSync(path, { recursive: true, force: true, maxRetries: 3 });
}
