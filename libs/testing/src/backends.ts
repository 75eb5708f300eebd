import { randomBytes } from 'node:crypto';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { GenericContainer, Wait } from 'testcontainers';
import { startEmbeddedDatabase, startEmulatorProcess } from '@keyless/local-platform';
import { pinnedImage } from './image-versions.ts';

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

export async function processBackend(withDatabase: boolean): Promise<Backend> {
  const [emulator, database] = await Promise.all([
    startEmulatorProcess(),
    withDatabase ? startEmbeddedDatabase() : undefined,
  ]);
  return {
    awsEndpoint: emulator.endpoint,
    ...(database && { database }),
    stop: async () => {
      await Promise.all([emulator.stop(), database?.stop()]);
    },
  };
}

export async function containerBackend(withDatabase: boolean, localstackToken?: string): Promise<Backend> {
  const emulatorImage = localstackToken
    ? new GenericContainer(pinnedImage('LOCALSTACK_IMAGE'))
        .withEnvironment({ LOCALSTACK_AUTH_TOKEN: localstackToken })
        .withExposedPorts(4566)
        .withWaitStrategy(Wait.forHttp('/_localstack/health', 4566))
    : new GenericContainer(pinnedImage('MOTO_IMAGE'))
        .withExposedPorts(5000)
        .withWaitStrategy(Wait.forHttp('/moto-api/', 5000));
  const emulatorPort = localstackToken ? 4566 : 5000;
  const password = randomBytes(18).toString('base64url');
  const [emulator, postgres] = await Promise.all([
    emulatorImage.start(),
    withDatabase
      ? new PostgreSqlContainer(pinnedImage('POSTGRES_IMAGE')).withPassword(password).start()
      : undefined,
  ]);
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
      await Promise.all([emulator.stop(), postgres?.stop()]);
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
