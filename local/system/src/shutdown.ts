import { rmSync } from 'node:fs';
import { killEverythingHeld } from '@keyless/owned-process';
import { stopInOrder, type StopStep } from './stop-in-order.ts';

/** npm forwards the terminal's Ctrl-C to this process as well: one press arrives twice, this close. */
const samePressMs = 1_000;

export interface Shutdown {
  /** Stop steps, in start order; they run last first. */
  steps: StopStep[];
  /** Stops everything once (later calls are no-ops) and exits: `exitCode`, or 1 if a step failed. */
  stop(why: string, exitCode: number): void;
}

/**
 * How `npm start` ends. Its children run in process groups of their own, so a terminal's Ctrl-C
 * reaches this process alone: SIGINT or SIGTERM stops everything in order and exits 0; a second
 * Ctrl-C kills what is left at once and still removes the platform file and the data directory;
 * an error that escapes stops everything too and exits 1. Whatever way the process ends, its
 * watchdog stops what it started (@keyless/owned-process).
 */
export function shutdownOnSignals(platformFile: string, print: (line: string) => void): Shutdown {
  const steps: StopStep[] = [];
  let stopping: Promise<void> | undefined;
  let requestedAt = 0;

  const stop = (why: string, exitCode: number) => {
    stopping ??= (async () => {
      requestedAt = Date.now();
      print(`\n${why}: stopping the local system…`);
      const failed = await stopInOrder(steps, (error) => print(`a stop step failed: ${error.message}`));
      rmSync(platformFile, { force: true });
      print(failed ? `stopped; ${failed} step(s) failed.` : 'stopped.');
      process.exit(failed ? 1 : exitCode);
    })();
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) return stop(signal, 0);
    if (Date.now() - requestedAt < samePressMs) return;
    print(`\n${signal} again: killing what is left.`);
    killEverythingHeld();
    rmSync(platformFile, { force: true });
    process.exit(1);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
  const onError = (error: unknown) => stop(`unexpected error: ${(error as Error).message}`, 1);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return { steps, stop };
}
