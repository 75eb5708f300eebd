import { resolve } from 'node:path';

/** infra/k8s */
export const k8sRoot = resolve(import.meta.dirname, '..');
/** Where pinned tools are installed, shared with the rest of the repository (gitignored). */
export const localBinDir = resolve(k8sRoot, '../../.local/bin');
