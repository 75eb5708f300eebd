import { existsSync } from 'node:fs';
import { emulatorPython, installCommand, type Emulator } from '../../src/emulators/emulators.ts';

export const isInstalled = (emulator: Emulator): boolean => existsSync(emulatorPython(emulator));

/**
 * The title of an emulator's suite, and whether to skip it: `npm test` installs every emulator
 * (and its prerequisite check fails if one cannot start), but `npm start` only moto, so a suite
 * run after it skips the others, its name saying how to install them.
 */
export function emulatorSuite(emulator: Emulator): { title: string; skip: boolean } {
  return isInstalled(emulator)
    ? { title: emulator, skip: false }
    : { title: `${emulator} (not installed: \`${installCommand(emulator)}\`)`, skip: true };
}
