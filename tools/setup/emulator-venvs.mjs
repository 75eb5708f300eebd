// The AWS emulators' virtualenvs: which to install, with which Python, from which hash-locked
// requirements. local/platform/emulator-installs.json says where each lives, for the platform too.
// Plain JS for any Node ≥ 18, like ensure-installed.mjs.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const installs = JSON.parse(
  readFileSync(join(root, 'local', 'platform', 'emulator-installs.json'), 'utf8'),
);
export const emulatorNames = Object.keys(installs);

/**
 * moto always; the others when `--emulators <name,…|all>` asks for them, when KEYLESS_EMULATOR
 * names one, and before `npm test`, whose suites run on every emulator. Throws on an unknown name.
 */
export function wantedEmulators(argv, env) {
  const wanted = new Set(['moto']);
  const known = (name, source) => {
    if (!emulatorNames.includes(name))
      throw new Error(`${source}: ${name} is not one of ${emulatorNames.join(', ')}`);
    return name;
  };
  const at = argv.findIndex((arg) => arg === '--emulators' || arg.startsWith('--emulators='));
  if (at !== -1) {
    const value = argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
    if (!value) throw new Error(`--emulators: give all or some of ${emulatorNames.join(', ')}`);
    const names = value === 'all' ? emulatorNames : value.split(',');
    for (const name of names) wanted.add(known(name.trim(), '--emulators'));
  }
  if (env.KEYLESS_EMULATOR) wanted.add(known(env.KEYLESS_EMULATOR, 'KEYLESS_EMULATOR'));
  if (env.npm_lifecycle_event === 'pretest') for (const name of emulatorNames) wanted.add(name);
  return emulatorNames.filter((name) => wanted.has(name));
}

function pythonVersion(cmd, env) {
  const out = spawnSync(cmd, ['-c', 'import sys; print(sys.version_info[0], sys.version_info[1])'], {
    encoding: 'utf8',
    env,
  });
  if (out.status !== 0) return undefined;
  return out.stdout.trim().split(' ').map(Number);
}

const atLeast = (version, [major, minor]) =>
  version[0] > major || (version[0] === major && version[1] >= minor);
const fits = (version, { minimum, below }) =>
  atLeast(version, minimum) && !(below && atLeast(version, below));

/** pyenv's interpreters, newest first: its shims answer only for the versions it has selected. */
function pyenvPythons(env) {
  const versions = join(env.PYENV_ROOT || join(env.HOME || homedir(), '.pyenv'), 'versions');
  if (!existsSync(versions)) return [];
  return readdirSync(versions)
    .filter((name) => /^\d+\.\d+\.\d+$/.test(name))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
    .map((name) => join(versions, name, 'bin', 'python3'));
}

/**
 * The first Python that fits `requirement` ({ minimum, below, variable } of emulator-installs.json):
 * the one its variable names, then python3, python3.X and python on the PATH, then pyenv's.
 * Throws with what was wanted and how to point at one.
 */
export function findPython(emulator, requirement, env) {
  const { minimum, below, variable } = requirement;
  const newestMinor = below ? below[1] - 1 : 14;
  const versioned = [];
  for (let minor = newestMinor; minor >= minimum[1]; minor -= 1) versioned.push(`python3.${minor}`);
  const candidates = [env[variable], 'python3', ...versioned, 'python', ...pyenvPythons(env)];
  for (const cmd of candidates.filter(Boolean)) {
    const version = pythonVersion(cmd, env);
    if (version && fits(version, requirement)) return cmd;
  }
  const range = `>= ${minimum.join('.')}${below ? ` and < ${below.join('.')}` : ''}`;
  throw new Error(
    `${emulator} needs Python ${range}, and none was found (tried ${variable}, the PATH and pyenv). ` +
      `Install one (e.g. \`pyenv install ${minimum.join('.')}\`) or set ${variable} to its path.`,
  );
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * Creates the emulator's virtualenv and installs its hash-locked requirements whenever the lock
 * changed since the last install (a stamp in the virtualenv holds the lock's hash).
 */
export function ensureEmulatorVenv(emulator, run, env = process.env) {
  const install = installs[emulator];
  const venv = join(root, install.venv);
  const requirements = join(root, install.requirements);
  const stamp = join(venv, '.keyless-requirements.sha256');
  const wanted = sha256(requirements);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  console.log(`setup: installing the AWS emulator ${emulator} into ${install.venv}…`);
  mkdirSync(dirname(venv), { recursive: true });
  if (!existsSync(join(venv, 'bin', 'python')))
    run(findPython(emulator, install.python, env), ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), [
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
