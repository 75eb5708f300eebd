import type { ChildProcess } from 'node:child_process';
import { spawnOwned, stopOwned } from '@keyless/owned-process';
import { createInterface } from 'node:readline';
import { waitUntilHealthy } from '@keyless/local-platform';

export interface ServiceSpec {
  /** Prefix of every output line, e.g. `api-1`. */
  name: string;
  /** Arguments to Node 24, e.g. ['--import', '@keyless/telemetry/register', 'src/main.ts']. */
  args: string[];
  cwd: string;
  /** The service's whole environment: nothing is inherited but PATH, as on a fresh task. */
  env: Record<string, string>;
  /** Polled until it answers 2xx before the service counts as started. */
  healthUrl?: string;
  /** Grace period after SIGTERM before SIGKILL (ECS's stopTimeout). */
  stopTimeoutMs?: number;
}

/** How a process ended: an exit code, or the signal that killed it. */
export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Settles once the process has ended, however it ended. */
  exited: Promise<ServiceExit>;
  /** SIGTERM, then SIGKILL after the stop timeout; resolves once the process has gone. */
  stop(): Promise<void>;
}

export type OutputLine = (service: string, line: string) => void;

/**
 * Spawns a service as its own process with its own environment, its output lines behind its name.
 * The one place a service process is spawned, and its `stop` the one way one is stopped.
 */
export function spawnServiceProcess(spec: ServiceSpec, output: OutputLine): ServiceProcess {
  // Its own process group, tied to this process: Ctrl-C reaches the CLI alone, and nothing outlives it.
  const child = spawnOwned(process.execPath, spec.args, {
    cwd: spec.cwd,
    env: { PATH: process.env.PATH ?? '', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => output(spec.name, line));
  }
  const exited = new Promise<ServiceExit>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit({ code, signal })),
  );
  return { name: spec.name, child, exited, stop: () => stopOwned(child, spec.stopTimeoutMs) };
}

/**
 * Resolves once the service answers its health URL (at once without one). If it exits first, or
 * never becomes healthy, it is stopped and this rejects with its name.
 */
export async function untilHealthy(service: ServiceProcess, spec: ServiceSpec): Promise<void> {
  if (!spec.healthUrl) return;
  const exitedFirst = service.exited.then(({ code, signal }) => {
    throw new Error(`${spec.name} exited (${code ?? signal}) before it was healthy`);
  });
  exitedFirst.catch(() => undefined);
  try {
    await Promise.race([waitUntilHealthy(spec.healthUrl, spec.name), exitedFirst]);
  } catch (error) {
    await service.stop();
    throw error;
  }
}

/** Starts a service as its own process with its own environment and waits until it is healthy. */
export async function startServiceProcess(spec: ServiceSpec, output: OutputLine): Promise<ServiceProcess> {
  const service = spawnServiceProcess(spec, output);
  await untilHealthy(service, spec);
  return service;
}
