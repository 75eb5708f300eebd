import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { stopChild, waitUntilHealthy } from '@keyless/local-platform';

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

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export type OutputLine = (service: string, line: string) => void;

/** Starts a service as its own process with its own environment and waits until it is healthy. */
export async function startServiceProcess(spec: ServiceSpec, output: OutputLine): Promise<ServiceProcess> {
  const child = spawn(process.execPath, spec.args, {
    cwd: spec.cwd,
    env: { PATH: process.env.PATH ?? '', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => output(spec.name, line));
  }
  const stop = () => stopChild(child, spec.stopTimeoutMs);
  if (spec.healthUrl) {
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`${spec.name} exited (${code}) before it was healthy`))),
    );
    exited.catch(() => undefined);
    try {
      await Promise.race([waitUntilHealthy(spec.healthUrl, spec.name), exited]);
    } catch (error) {
      await stop();
      throw error;
    }
  }
  return { name: spec.name, child, stop };
}
