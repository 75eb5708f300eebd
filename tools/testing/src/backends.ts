import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { GenericContainer, Wait } from 'testcontainers';
import { startEmbeddedDatabase, startEmulatorProcess, type Emulator } from '@keyless/local-platform';
import { spawnOwned, stopOwned } from '@keyless/owned-process';
import { ownerLabel, removeOwnedContainers } from './container-reaper.ts';
import { selectedImages } from './image-versions.ts';

export interface DatabaseAccess {
  host: string;
  port: number;
  /** A connection string with rights to create databases and roles. */
  adminUrl: string;
}

export interface Backend {
  awsEndpoint: string;
  database?: DatabaseAccess;
  stop(): Promise<void>;
}

interface Stoppable {
  stop(): Promise<unknown>;
}

/**
 * Starts the emulator and the database side by side and waits for both starts to end: if either
 * failed, the one that did start is stopped before the failure is thrown, so a half-started
 * backend leaves nothing running.
 */
async function startBoth<A extends Stoppable, B extends Stoppable | undefined>(
  first: Promise<A>,
  second: Promise<B>,
): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'fulfilled' && b.status === 'fulfilled') return [a.value, b.value];
  await Promise.allSettled(
    [a, b].map((outcome) => (outcome.status === 'fulfilled' ? outcome.value?.stop() : undefined)),
  );
  throw a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason;
}

export async function processBackend(withDatabase: boolean, emulatorName: Emulator): Promise<Backend> {
  const [emulator, database] = await startBoth(
    startEmulatorProcess({ emulator: emulatorName }),
    withDatabase ? startEmbeddedDatabase() : Promise.resolve(undefined),
  );
  return {
    awsEndpoint: emulator.endpoint,
    ...(database && { database }),
    stop: async () => {
      await Promise.all([emulator.stop(), database?.stop()]);
    },
  };
}

/**
 * The process that removes this file's containers if the test process dies before stop(): Ryuk
 * is disabled (its image is pulled from Docker Hub, which CI here cannot reach), so the harness
 * owns its containers the way it owns its processes (tools/owned-process).
 */
async function startReaper(owner: string) {
  const reaper = spawnOwned(
    process.execPath,
    [new URL('./container-reaper.ts', import.meta.url).pathname, owner],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const { stdout } = reaper;
  if (!stdout) throw new Error('the container reaper has no stdout');
  const [ready] = (await Promise.race([once(stdout, 'data'), once(reaper, 'exit')])) as unknown[];
  if (!Buffer.isBuffer(ready)) throw new Error('the container reaper did not start');
  return reaper;
}

export async function containerBackend(withDatabase: boolean, localstackToken?: string): Promise<Backend> {
  // Without Ryuk: what this file starts, it removes (stop(), or the reaper if the process dies).
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const images = selectedImages();
  const owner = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const labels = { [ownerLabel]: owner };
  const reaper = await startReaper(owner);
  const emulatorImage = localstackToken
    ? new GenericContainer(images.LOCALSTACK_IMAGE)
        .withEnvironment({ LOCALSTACK_AUTH_TOKEN: localstackToken })
        .withExposedPorts(4566)
        .withWaitStrategy(Wait.forHttp('/_localstack/health', 4566))
    : new GenericContainer(images.MOTO_IMAGE)
        .withExposedPorts(5000)
        .withWaitStrategy(Wait.forHttp('/moto-api/', 5000));
  const emulatorPort = localstackToken ? 4566 : 5000;
  const password = randomBytes(18).toString('base64url');
  const removeAll = async () => {
    await removeOwnedContainers(owner);
    await stopOwned(reaper);
  };
  const [emulator, postgres] = await startBoth(
    emulatorImage.withLabels(labels).start(),
    withDatabase
      ? new PostgreSqlContainer(images.POSTGRES_IMAGE).withLabels(labels).withPassword(password).start()
      : Promise.resolve(undefined),
  ).catch(async (error: unknown) => {
    await removeAll();
    throw error;
  });
  return {
    awsEndpoint: `http://${emulator.getHost()}:${emulator.getMappedPort(emulatorPort)}`,
    ...(postgres && {
      database: {
        host: postgres.getHost(),
        port: postgres.getPort(),
        adminUrl: postgres.getConnectionUri(),
      },
    }),
    stop: async () => {
      try {
        await Promise.all([emulator.stop(), postgres?.stop()]);
      } finally {
        await removeAll();
      }
    },
  };
}

export function externalBackend(awsEndpoint: string, databaseUrl: string | undefined): Backend {
  const database = databaseUrl ? new URL(databaseUrl) : undefined;
  return {
    awsEndpoint,
    ...(database && {
      database: {
        host: database.hostname,
        port: Number(database.port || 5432),
        adminUrl: databaseUrl as string,
      },
    }),
    stop: async () => undefined,
  };
}
