// Which emulators the setup step installs, and the Python it finds for each: fake interpreters on
// a PATH of their own and in a pyenv root of their own, so the machine's Pythons play no part.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { findPython, installs, wantedEmulators } from '../emulator-venvs.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'keyless-fake-python-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An executable at `path` that answers the version probe as Python `version` would. */
function fakePython(path: string, version: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho '${version.split('.').slice(0, 2).join(' ')}'\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('the emulators to install', () => {
  test('moto alone by default; the others when asked, named or all', () => {
    expect(wantedEmulators([], {})).toEqual(['moto']);
    expect(wantedEmulators(['--emulators', 'localstack'], {})).toEqual(['moto', 'localstack']);
    expect(wantedEmulators(['--emulators=ministack,localstack'], {})).toEqual([
      'moto',
      'ministack',
      'localstack',
    ]);
    expect(wantedEmulators(['--emulators', 'all'], {})).toEqual(['moto', 'ministack', 'localstack']);
  });

  test('the one KEYLESS_EMULATOR names, and every one before `npm test`', () => {
    expect(wantedEmulators([], { KEYLESS_EMULATOR: 'ministack' })).toEqual(['moto', 'ministack']);
    expect(wantedEmulators([], { npm_lifecycle_event: 'pretest' })).toEqual([
      'moto',
      'ministack',
      'localstack',
    ]);
  });

  test('an unknown name is refused, naming where it came from', () => {
    expect(() => wantedEmulators(['--emulators', 'localstack-pro'], {})).toThrow(
      /^--emulators: localstack-pro is not one of moto, ministack, localstack$/,
    );
    expect(() => wantedEmulators([], { KEYLESS_EMULATOR: 'elasticmq' })).toThrow(
      /^KEYLESS_EMULATOR: elasticmq/,
    );
    expect(() => wantedEmulators(['--emulators'], {})).toThrow(/^--emulators: give all or some of/);
  });
});

describe('the Python for an emulator', () => {
  const onPath = join(scratch, 'bin');
  const pyenvRoot = join(scratch, 'pyenv');
  fakePython(join(onPath, 'python3'), '3.11.7');
  const pyenv313 = fakePython(join(pyenvRoot, 'versions', '3.13.2', 'bin', 'python3'), '3.13.2');
  fakePython(join(pyenvRoot, 'versions', '3.14.0', 'bin', 'python3'), '3.14.0');
  const env = { PATH: onPath, PYENV_ROOT: pyenvRoot };

  test("the PATH's python3 when it fits", () => {
    expect(findPython('moto', installs.moto.python, env)).toBe('python3');
  });

  test("LocalStack's 3.13 from pyenv when the PATH has none; 3.14 is past what it can run", () => {
    expect(findPython('localstack', installs.localstack.python, env)).toBe(pyenv313);
  });

  test('its variable comes first', () => {
    const chosen = fakePython(join(scratch, 'chosen', 'python'), '3.13.9');
    expect(
      findPython('localstack', installs.localstack.python, { ...env, KEYLESS_LOCALSTACK_PYTHON: chosen }),
    ).toBe(chosen);
  });

  test('none that fits: the range wanted, where it looked, and the variable to set', () => {
    expect(() =>
      findPython('localstack', installs.localstack.python, { PATH: onPath, PYENV_ROOT: scratch }),
    ).toThrow(
      /^localstack needs Python >= 3\.13 and < 3\.14, and none was found \(tried KEYLESS_LOCALSTACK_PYTHON, the PATH and pyenv\)\. .*set KEYLESS_LOCALSTACK_PYTHON to its path\.$/,
    );
  });
});
