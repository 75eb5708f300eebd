import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holdPath, howItEnds, releasePath, spawnOwned, stopOwned } from '@keyless/owned-process';
import { emulatorLaunches } from './emulators/emulator-launches.ts';
import { emulatorPython, installCommand, type Emulator } from './emulators/emulators.ts';
import { freePort } from './free-port.ts';
import { platformEnv } from './platform-env.ts';
import { waitUntilHealthy } from './wait-until-healthy.ts';

export interface RunningEmulator {
  emulator: Emulator;
  endpoint: string;
  /** The emulator's process id now (a reset that restarts it gives a new one). */
  readonly pid: number | undefined;
  /** Answers 2xx while the emulator serves requests. */
  healthUrl: string;
  /** Drops every resource the emulator holds; the endpoint stays the same. */
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when the emulator ends, stopped or not (never by a reset), to how it ended (`signal SIGKILL`). */
  ended: Promise<string>;
}

export interface EmulatorOptions {
  /** Default: KEYLESS_EMULATOR, else moto. */
  emulator?: Emulator;
  port?: number;
  /** Settings added to the emulator's own (e.g. moto's id strategies). */
  environment?: Record<string, string>;
}

interface Launched {
  pid: number | undefined;
  ended: Promise<string>;
  stop(): Promise<void>;
}

/** One process of the emulator, healthy, with a scratch directory that goes when it stops. */
async function launch(emulator: Emulator, port: number, environment: Record<string, string>) {
  const { title, healthPath, ...how } = emulatorLaunches[emulator];
  const scratch = mkdtempSync(join(tmpdir(), `keyless-${emulator}-`));
  holdPath(scratch);
  const child = spawnOwned(emulatorPython(emulator), how.arguments(port), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: scratch,
      ...how.environment(port, scratch),
      ...environment,
    },
  });
  const stop = async () => {
    await stopOwned(child);
    rmSync(scratch, { recursive: true, force: true });
    releasePath(scratch);
  };
  // LocalStack reports on stdout what the others report on stderr.
  let outputTail = '';
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => {
      outputTail = (outputTail + chunk.toString()).slice(-2_000);
    });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`${title} exited (${code}) before it was healthy: ${outputTail}`)),
    ),
  );
  try {
    await Promise.race([waitUntilHealthy(`http://127.0.0.1:${port}${healthPath}`, title), exited]);
  } catch (error) {
    await stop();
    throw error;
  }
  exited.catch(() => undefined);
  return { pid: child.pid, ended: howItEnds(child), stop } satisfies Launched;
}

/**
 * Starts an AWS emulator (moto by default; see docs/emulators.md) from its virtualenv on a free
 * loopback port, as an owned process: it never outlives the process that started it.
 */
export async function startEmulatorProcess(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = options.emulator ?? platformEnv().KEYLESS_EMULATOR;
  const { healthPath, resetPath } = emulatorLaunches[emulator];
  if (!existsSync(emulatorPython(emulator))) {
    throw new Error(
      `the AWS emulator ${emulator} is not installed (no ${emulatorPython(emulator)}): run \`${installCommand(emulator)}\``,
    );
  }
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const environment = options.environment ?? {};
  const { promise: ended, resolve: report } = Promise.withResolvers<string>();
  let current: Launched | undefined;
  const follow = (launched: Launched) => {
    current = launched;
    void launched.ended.then((how) => {
      if (current === launched) report(how);
    });
  };
  follow(await launch(emulator, port, environment));
  return {
    emulator,
    endpoint,
    get pid() {
      return current?.pid;
    },
    healthUrl: `${endpoint}${healthPath}`,
    reset: async () => {
      if (resetPath) {
        const response = await fetch(`${endpoint}${resetPath}`, { method: 'POST' });
        if (!response.ok) throw new Error(`${emulator} reset failed: HTTP ${response.status}`);
        return;
      }
      // LocalStack core has no reset API: a new process, with fresh state, on the same port.
      const previous = current;
      current = undefined;
      await previous?.stop();
      try {
        follow(await launch(emulator, port, environment));
      } catch (error) {
        report(`not restarted by a reset: ${(error as Error).message}`);
        throw error;
      }
    },
    stop: async () => {
      await current?.stop();
    },
    ended,
  };
}
