#!/usr/bin/env node
// Installs what `npm start` and `npm test` need on a fresh clone: npm packages (which bring the
// Node 24 binary from the `node` package) and the AWS emulators' Python virtualenvs (moto always,
// the others as `wantedEmulators` says); before `npm test` it first checks for Go, which it cannot
// install. It runs under whatever Node the machine has, so it sticks to APIs every supported Node
// offers.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goProblem, goVersion } from './check-go.mjs';
import { ensureEmulatorVenv, wantedEmulators } from './emulator-venvs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    console.error(`setup: \`${cmd} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

/** Re-runs `npm ci` whenever package-lock.json changed since the last install. */
function ensureNodePackages() {
  const stamp = join(root, 'node_modules', '.keyless-lock.sha256');
  const wanted = sha256(join(root, 'package-lock.json'));
  const node24 = join(root, 'node_modules', '.bin', 'node');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && existsSync(node24)) return;
  console.log('setup: installing npm packages (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, wanted);
}

/** Stops before any install when `npm test` would fail later for want of Go. */
function ensureGoForTests() {
  if (process.env.npm_lifecycle_event !== 'pretest') return;
  const problem = goProblem(goVersion());
  if (!problem) return;
  console.error(problem);
  process.exit(1);
}

/** Stops before any install when the emulators asked for are unknown. */
function emulatorsToInstall() {
  try {
    return wantedEmulators(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`setup: ${error.message}`);
    process.exit(1);
  }
}

const emulators = emulatorsToInstall();
ensureGoForTests();
ensureNodePackages();
for (const emulator of emulators) {
  try {
    ensureEmulatorVenv(emulator, run);
  } catch (error) {
    console.error(`setup: ${error.message}`);
    process.exit(1);
  }
}
