import { join } from 'node:path';
import { repoRoot } from '../paths.ts';
import installs from '../../emulator-installs.json' with { type: 'json' };

/** The AWS emulators the platform can start; moto is the default. */
export const emulators = ['moto', 'ministack', 'localstack'] as const;
export type Emulator = (typeof emulators)[number];

interface EmulatorInstall {
  /** The hash-locked requirements, from the repository root. */
  requirements: string;
  /** The virtualenv the setup step installs them into, from the repository root. */
  venv: string;
}

// One file tells the setup step (plain JS, any Node) and the platform where each emulator lives.
const installed: Record<Emulator, EmulatorInstall> = installs;

/**
 * The Python of the emulator's virtualenv (git-ignored `.local/`). Each runs as `python -m …`: a
 * console script's `#!` line breaks on a checkout path with spaces.
 */
export const emulatorPython = (emulator: Emulator): string =>
  join(repoRoot, installed[emulator].venv, 'bin', 'python');

export const emulatorVenv = (emulator: Emulator): string => installed[emulator].venv;

/** The command that (re)installs it. */
export const installCommand = (emulator: Emulator): string =>
  emulator === 'moto' ? 'npm run setup' : `npm run setup -- --emulators ${emulator}`;
