import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');
/**
 * The virtualenv's Python, into which the setup step installs the emulator (git-ignored `.local/`).
 * The emulator runs as `python -m moto.server`: a console script's `#!` line breaks on a checkout
 * path with spaces.
 */
export const emulatorPython = join(repoRoot, '.local', 'venv', 'bin', 'python');
