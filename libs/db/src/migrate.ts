import { join } from 'node:path';
import type { ClientConfig } from 'pg';
import { runner } from 'node-pg-migrate';

/** The SQL migrations of the ledger database, applied in file-name order. */
export const migrationsDir = join(import.meta.dirname, '..', 'migrations');

export interface MigrateOptions {
  /** A connection string or pg config for a user that may create tables and grant on them. */
  connection: string | ClientConfig;
  /** `up` applies everything pending; `down` reverts the last `count` (default 1). */
  direction?: 'up' | 'down';
  count?: number;
  log?: (message: string) => void;
}

/**
 * Runs the migrations as one transaction under node-pg-migrate's advisory lock, waiting for it, so
 * two concurrent runs apply each migration once. Returns the names of the migrations it ran.
 * This is a separate deployment step, never part of a service's start-up.
 */
export async function migrate({
  connection,
  direction = 'up',
  count,
  log,
}: MigrateOptions): Promise<string[]> {
  const ran = await runner({
    databaseUrl: connection,
    dir: migrationsDir,
    direction,
    ...(count !== undefined && { count }),
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    log: log ?? (() => undefined),
  });
  return ran.map((migration) => migration.name);
}
