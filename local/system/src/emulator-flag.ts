import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { emulators, repoRoot } from '@keyless/local-platform';

/**
 * `npm start -- --emulator <name>` (or `--emulator=<name>`): the value, which then stands for
 * KEYLESS_EMULATOR (the configuration validates it like the variable); undefined without the flag.
 */
export function emulatorFlag(argv: readonly string[]): string | undefined {
  const at = argv.findIndex((arg) => arg === '--emulator' || arg.startsWith('--emulator='));
  if (at === -1) return undefined;
  const value = argv[at]?.includes('=') ? argv[at]?.slice('--emulator='.length) : argv[at + 1];
  if (!value || value.startsWith('--')) {
    throw new Error(`--emulator needs a value: one of ${emulators.join(', ')}`);
  }
  return value;
}

/**
 * Installs the emulator's virtualenv if it is missing or its lock changed (`npm start`'s own
 * set-up step installs moto only: it does not see the flag). A failure names the cause and stops.
 */
export function ensureEmulatorInstalled(emulator: string): void {
  const setup = spawnSync(process.execPath, [join(repoRoot, 'tools', 'setup', 'ensure-installed.mjs')], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, KEYLESS_EMULATOR: emulator },
  });
  if (setup.status !== 0) throw new Error(`the set-up of the emulator ${emulator} failed (see above)`);
}
