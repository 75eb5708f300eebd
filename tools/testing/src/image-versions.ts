import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Container images are pinned once, in the repository's `.env` (which docker compose reads too),
 * so the harness and compose can never drift apart.
 */
export function pinnedImage(variable: 'MOTO_IMAGE' | 'POSTGRES_IMAGE' | 'LOCALSTACK_IMAGE'): string {
  const envFile = readFileSync(resolve(import.meta.dirname, '../../../.env'), 'utf8');
  const line = envFile.split('\n').find((entry) => entry.startsWith(`${variable}=`));
  if (!line) throw new Error(`${variable} is not pinned in .env`);
  return line.slice(variable.length + 1).trim();
}
