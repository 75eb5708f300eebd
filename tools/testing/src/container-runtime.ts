import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface RuntimeProbe {
  available: boolean;
  detail: string;
}

function candidateSockets(dockerHost: string | undefined): string[] {
  if (dockerHost?.startsWith('unix://')) return [dockerHost.slice('unix://'.length)];
  return ['/var/run/docker.sock', join(homedir(), '.docker/run/docker.sock')];
}

function ping(socketPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolvePing) => {
    const req = request({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolvePing(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolvePing(false));
    req.end();
  });
}

/**
 * Answers within about a second whether a Docker-compatible engine is reachable. A `docker`
 * client without an engine (the normal case on a CI machine without Docker) must not cost a long testcontainers timeout.
 */
export async function probeContainerRuntime(
  dockerHost: string | undefined,
  timeoutMs = 1_000,
): Promise<RuntimeProbe> {
  if (dockerHost && !dockerHost.startsWith('unix://')) {
    return { available: true, detail: `DOCKER_HOST=${dockerHost} (not probed)` };
  }
  for (const socket of candidateSockets(dockerHost).filter((path) => existsSync(path))) {
    if (await ping(socket, timeoutMs)) return { available: true, detail: `engine answering on ${socket}` };
  }
  return { available: false, detail: 'no container engine answering on a Docker socket' };
}
