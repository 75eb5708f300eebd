#!/usr/bin/env node
// Installs what `npm start` and `npm test` need on a fresh clone: npm packages (which bring the
// Node 24 binary from the `node` package) and the emulator's Python virtualenv; before `npm test`
// it first checks for Go, which it cannot install. It runs under whatever Node the machine has, so
// it sticks to APIs every supported Node offers.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goProblem, goVersion } from './check-go.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const venvDir = join(root, '.local', 'venv');
const requirements = join(root, 'local', 'platform', 'requirements.lock');
const minPython = [3, 10];

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

function pythonVersion(cmd) {
  const out = spawnSync(cmd, ['-c', 'import sys; print(sys.version_info[0], sys.version_info[1])'], {
    encoding: 'utf8',
  });
  if (out.status !== 0) return undefined;
  return out.stdout.trim().split(' ').map(Number);
}

function findPython() {
  const candidates = [
    process.env.KEYLESS_PYTHON,
    'python3',
    'python3.13',
    'python3.12',
    'python3.11',
    'python3.10',
    'python',
  ];
  for (const cmd of candidates.filter(Boolean)) {
    const v = pythonVersion(cmd);
    if (v && (v[0] > minPython[0] || (v[0] === minPython[0] && v[1] >= minPython[1]))) return cmd;
  }
  console.error(
    `setup: Python >= ${minPython.join('.')} is required for the AWS emulator (set KEYLESS_PYTHON to its path).`,
  );
  process.exit(1);
}

/** Creates .local/venv and installs the pinned emulator into it whenever requirements.lock changed. */
function ensureEmulatorVenv() {
  const stamp = join(venvDir, '.keyless-requirements.sha256');
  const wanted = sha256(requirements);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  console.log('setup: installing the AWS emulator into .local/venv…');
  mkdirSync(dirname(venvDir), { recursive: true });
  if (!existsSync(join(venvDir, 'bin', 'python'))) run(findPython(), ['-m', 'venv', venvDir]);
  const pip = join(venvDir, 'bin', 'pip');
  run(pip, [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--require-hashes',
    '--no-deps',
    '-r',
    requirements,
  ]);
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

ensureGoForTests();
ensureNodePackages();
ensureEmulatorVenv();
