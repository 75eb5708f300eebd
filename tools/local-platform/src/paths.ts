import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');
/** The emulator the setup step installs into the project virtualenv (git-ignored `.local/`). */
export const emulatorBinary = join(repoRoot, '.local', 'venv', 'bin', 'moto_server');
