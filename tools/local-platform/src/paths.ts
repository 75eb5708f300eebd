import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');
/** Runtime state of the local platform; git-ignored. */
export const localStateDir = join(repoRoot, '.local');
export const platformFile = join(localStateDir, 'platform.json');
export const emulatorBinary = join(localStateDir, 'venv', 'bin', 'moto_server');
