// `npm start`'s CLI as a process of its own, in a process group of its own as a terminal would
// start it, with its files in a scratch directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { descendantsOf } from '@keyless/owned-process/process-tree';
import type { SystemDescription } from '../../src/start-system.ts';

export const cli = join(import.meta.dirname, '../../src/cli.ts');

export interface RunningCli {
  child: ChildProcess;
  platformFile: string;
  platform: SystemDescription;
  output(): string;
  exitCode: Promise<number | null>;
  /** Every process below the CLI now, and the PostgreSQL cluster directories among their arguments. */
  tree(): { pids: number[]; clusterDirs: string[] };
}

/** `npm start` with `args` (`['--emulator', 'ministack']`), its files under `workDir`. */
export async function startCli(workDir: string, args: string[] = []): Promise<RunningCli> {
  const platformFile = join(workDir, 'platform.json');
  const child = spawn(process.execPath, [cli, 'start', ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KEYLESS_PLATFORM_FILE: platformFile,
      KEYLESS_TOKEN_DIR: join(workDir, 'tokens'),
      KEYLESS_TRAIL_DIR: join(workDir, 'trail'),
      KEYLESS_CA_FILE: join(workDir, 'keyless-local-ca.pem'),
      KEYLESS_TRACES_FILE: join(workDir, 'traces.jsonl'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exitCode = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
  for (let waited = 0; !existsSync(platformFile); waited += 100) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${text}`);
    if (waited > 120_000) throw new Error(`no platform file after 120 s:\n${text}`);
    await sleep(100);
  }
  return {
    child,
    platformFile,
    platform: JSON.parse(readFileSync(platformFile, 'utf8')) as SystemDescription,
    output: () => text,
    exitCode,
    tree() {
      const entries = descendantsOf(child.pid ?? 0);
      const clusterDirs = entries.flatMap((entry) => {
        const match = /bin\/postgres -D (.+)\/data -p/.exec(entry.command);
        return match?.[1] ? [match[1]] : [];
      });
      return { pids: entries.map((entry) => entry.pid), clusterDirs };
    },
  };
}
