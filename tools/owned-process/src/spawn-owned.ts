import {
  spawn,
  type ChildProcess,
  type ChildProcessWithoutNullStreams,
  type SpawnOptions,
} from 'node:child_process';
import { holdGroup, releaseGroup } from './lifeline.ts';

export interface OwnedSpawnOptions extends Omit<SpawnOptions, 'detached'> {
  /** What asks the process to stop (PostgreSQL: SIGINT, a fast shutdown); SIGKILL follows after the grace. */
  stopSignal?: NodeJS.Signals;
}

const stopSignals = new WeakMap<ChildProcess, NodeJS.Signals>();

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a process in a process group of its own and ties the group to this process: a terminal's
 * Ctrl-C reaches only its owner (which stops it in order), and if the owner ends in any way before
 * stopping it, the owner's watchdog stops the whole group. When the leader exits, whatever it left
 * in its group is killed too.
 */
export function spawnOwned(
  command: string,
  args: readonly string[],
  options?: Omit<OwnedSpawnOptions, 'stdio'> & { stdio?: 'pipe' },
): ChildProcessWithoutNullStreams;
export function spawnOwned(
  command: string,
  args: readonly string[],
  options?: OwnedSpawnOptions,
): ChildProcess;
export function spawnOwned(
  command: string,
  args: readonly string[],
  options: OwnedSpawnOptions = {},
): ChildProcess {
  const { stopSignal = 'SIGTERM', ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, detached: true });
  const pgid = child.pid;
  if (pgid === undefined) return child; // it could not start: its 'error' event says why
  holdGroup(pgid, stopSignal);
  stopSignals.set(child, stopSignal);
  child.once('exit', () => {
    signalGroup(pgid, 'SIGKILL');
    releaseGroup(pgid);
  });
  return child;
}

/** Asks an owned process to stop, SIGKILLs its group after `graceMs`; resolves once the leader has exited. */
export function stopOwned(child: ChildProcess, graceMs = 5_000): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const killer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolveStop();
    });
    signalGroup(pgid, stopSignals.get(child) ?? 'SIGTERM');
  });
}

/** Resolves once the process has exited, to how: `exit 1`, `signal SIGKILL`. */
export function howItEnds(child: ChildProcess): Promise<string> {
  const described = () => (child.signalCode ? `signal ${child.signalCode}` : `exit ${child.exitCode}`);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(described());
  return new Promise((resolveEnd) => child.once('exit', () => resolveEnd(described())));
}
