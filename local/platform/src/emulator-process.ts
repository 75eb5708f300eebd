import { existsSync } from 'node:fs';
import { howItEnds, spawnOwned, stopOwned } from '@keyless/owned-process';
import { emulatorPython } from './paths.ts';
import { freePort } from './free-port.ts';
import { waitUntilHealthy } from './wait-until-healthy.ts';

export interface RunningEmulator {
  endpoint: string;
  /** Drops every resource the emulator holds (moto's own reset API). */
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when the process ends, stopped or not, to how it ended (`signal SIGKILL`). */
  ended: Promise<string>;
}

/** Starts the pinned moto server from the project virtualenv on a free loopback port. */
export async function startEmulatorProcess(
  options: { port?: number; environment?: Record<string, string> } = {},
): Promise<RunningEmulator> {
  if (!existsSync(emulatorPython)) {
    throw new Error(`the AWS emulator is not installed (no ${emulatorPython}): run \`npm run setup\``);
  }
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawnOwned(emulatorPython, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.environment },
  });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-2_000);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`emulator exited (${code}) before it was healthy: ${stderrTail}`)),
    ),
  );
  try {
    await Promise.race([waitUntilHealthy(`${endpoint}/moto-api/`, 'AWS emulator'), exited]);
  } catch (error) {
    await stopOwned(child);
    throw error;
  }
  exited.catch(() => undefined);
  return {
    endpoint,
    reset: async () => {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`emulator reset failed: HTTP ${response.status}`);
    },
    stop: () => stopOwned(child),
    ended: howItEnds(child),
  };
}
