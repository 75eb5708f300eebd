// Runs the identity container's program (startSystem with the identity service's environment from
// docker-compose.yml) as a process on this machine, and translates what a container would see into
// local terms: compose host names become the loopback ports of the processes standing in for them,
// and paths inside a container become the file the shared volume holds on this machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '@keyless/config';
import { freePort, startEmbeddedDatabase, startEmulatorProcess } from '@keyless/local-platform';
import { startSystem, systemEnv, type RunningSystem } from '@keyless/local-system';
import type { ComposeProject, ComposeService } from '../../src/index.ts';

export interface ComposeOnLoopback {
  system: RunningSystem;
  /** The decision and log lines of the identity plane. */
  lines: Record<string, unknown>[];
  /** Where a path inside `service` lives on this machine, through the volume it shares with identity. */
  hostPath(service: ComposeService, containerPath: string): string;
  /** A URL as a container would use it, pointed at the process standing in for that host. */
  loopbackUrl(url: string): string;
  stop(): Promise<void>;
}

const CONTAINER_STATE = '/run/keyless';

export function definedEnvironment(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).filter((entry): entry is [string, string] => entry[1] !== null),
  );
}

export async function startComposeOnLoopback(project: ComposeProject): Promise<ComposeOnLoopback> {
  const { identity, aws } = project.services;
  if (!identity || !aws) throw new Error('docker-compose.yml has no identity or aws service');
  const dir = mkdtempSync(join(tmpdir(), 'keyless-compose-'));
  // Where the identity container may write: its state tmpfs and the volumes it mounts writable
  // (the local CA's, beside the tmpfs). A path elsewhere is in the read-only image.
  const writable = [
    CONTAINER_STATE,
    ...(identity.volumes ?? []).filter((volume) => !volume.read_only).map((volume) => volume.target),
  ];
  const local = (containerPath: string) => {
    if (!writable.some((root) => containerPath.startsWith(`${root}/`))) {
      throw new Error(`${containerPath} is not under the identity container's ${writable.join(', ')}`);
    }
    return join(dir, containerPath);
  };
  const stoppers: (() => Promise<void>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne();
  };
  try {
    const moto = await startEmulatorProcess({ environment: definedEnvironment(aws) });
    stoppers.push(moto.stop);
    const database = await startEmbeddedDatabase();
    stoppers.push(database.stop);

    const composed = definedEnvironment(identity);
    const stsPort = await freePort();
    const gatePort = await freePort();
    const gateTlsPort = await freePort();
    const ecsPort = await freePort();
    const functionCredentialsPort = await freePort();
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const config = parseConfig(systemEnv, {
      ...composed,
      // The container's addresses, ports and files, mapped to this machine.
      AWS_ENDPOINT_URL: moto.endpoint,
      DATABASE_URL: database.adminUrl,
      KEYLESS_BIND_HOST: '127.0.0.1',
      KEYLESS_STS_PORT: String(stsPort),
      KEYLESS_GATE_PORT: String(gatePort),
      KEYLESS_GATE_TLS_PORT: String(gateTlsPort),
      KEYLESS_ECS_CREDENTIALS_PORT: String(ecsPort),
      KEYLESS_FUNCTION_CREDENTIALS_PORT: String(functionCredentialsPort),
      KEYLESS_COMPOSE_TASKS_DIR: local(composed.KEYLESS_COMPOSE_TASKS_DIR ?? ''),
      KEYLESS_COMPOSE_FUNCTIONS_DIR: local(composed.KEYLESS_COMPOSE_FUNCTIONS_DIR ?? ''),
      KEYLESS_TOKEN_DIR: local(composed.KEYLESS_TOKEN_DIR ?? ''),
      KEYLESS_PLATFORM_FILE: local(composed.KEYLESS_PLATFORM_FILE ?? ''),
      KEYLESS_TRAIL_DIR: local(composed.KEYLESS_TRAIL_DIR ?? ''),
      KEYLESS_CA_FILE: local(composed.KEYLESS_CA_FILE ?? ''),
    });
    const system = await startSystem(config, { destination });
    stoppers.push(system.stop);

    const hosts = new Map([
      [new URL(composed.AWS_ENDPOINT_URL ?? '').host, new URL(moto.endpoint).host],
      [`identity:${composed.KEYLESS_STS_PORT}`, `127.0.0.1:${stsPort}`],
      [`${composed.KEYLESS_ADVERTISED_HOST}:${composed.KEYLESS_GATE_PORT}`, `127.0.0.1:${gatePort}`],
      // HTTPS: the gate's certificate names 127.0.0.1 too, so the local CA vouches for it here.
      [`${composed.KEYLESS_ADVERTISED_HOST}:${composed.KEYLESS_GATE_TLS_PORT}`, `127.0.0.1:${gateTlsPort}`],
      [
        `${composed.KEYLESS_ADVERTISED_HOST}:${composed.KEYLESS_FUNCTION_CREDENTIALS_PORT}`,
        `127.0.0.1:${functionCredentialsPort}`,
      ],
      [
        new URL(`http://${composed.KEYLESS_ADVERTISED_HOST}:${composed.KEYLESS_ECS_CREDENTIALS_PORT}`).host,
        `127.0.0.1:${ecsPort}`,
      ],
    ]);
    return {
      system,
      lines,
      stop,
      loopbackUrl(url) {
        const parsed = new URL(url);
        const host = hosts.get(parsed.host);
        if (!host) throw new Error(`no process stands in for ${parsed.host} (from ${url})`);
        parsed.host = host;
        return parsed.href;
      },
      hostPath(service, containerPath) {
        const mount = service.volumes?.find((volume) => containerPath.startsWith(`${volume.target}/`));
        const shared = identity.volumes?.find((volume) => volume.source === mount?.source);
        if (!mount || !shared)
          throw new Error(`${containerPath} is on no volume the identity container shares`);
        return local(shared.target + containerPath.slice(mount.target.length));
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
