// The local images' names: under keyless-local/, never an official image's name, and saying what
// is inside when it differs from the official image's tag.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { call, root } from './bash.ts';

const libs = ['lib/common.sh', 'lib/image-names.sh'];
const name = async (fn: string, ...args: string[]) => (await call(libs, fn, args)).stdout.trim();
const dir = mkdtempSync(join(tmpdir(), 'keyless-image-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('each is the official name and tag under keyless-local/ (postgres: the version and distribution inside)', async () => {
  expect(await name('debian_image')).toBe('keyless-local/debian:bookworm-slim');
  expect(await name('node_image', '24.21.0')).toBe('keyless-local/node:24.21.0-bookworm-slim');
  expect(await name('moto_image', '5.2.5')).toBe('keyless-local/moto:5.2.5');
  expect(await name('postgres_image', '18.4.0-beta.17')).toBe('keyless-local/postgres:18.4-bookworm');
});

test('none is the name of an image .env pins', async () => {
  const official = readFileSync(join(root, '.env'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+_IMAGE=/.test(line))
    .map((line) => line.split('=')[1]);
  const local = [
    await name('debian_image'),
    await name('node_image', '24.21.0'),
    await name('moto_image', '5.2.5'),
    await name('postgres_image', '18.4.0-beta.17'),
  ];
  for (const image of local) {
    expect(image.startsWith('keyless-local/')).toBe(true);
    expect(official).not.toContain(image);
  }
});

test("the moto version is requirements.lock's, which .env's MOTO_IMAGE names too", async () => {
  const version = await name('moto_version', join(root, 'local/platform/requirements.lock'));
  expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  expect(readFileSync(join(root, '.env'), 'utf8')).toContain(`MOTO_IMAGE=motoserver/moto:${version}\n`);
});

test('a NODE_IMAGE in .env other than the pinned Node.js version stops the build, naming both', async () => {
  const env = join(dir, '.env');
  writeFileSync(env, 'NODE_IMAGE=node:24.22.1-bookworm-slim\n');
  const result = await call(libs, 'check_env_agrees', [env, '24.21.0']);
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain('pins NODE_IMAGE=node:24.22.1-bookworm-slim');
  expect(result.stderr).toContain('pinned to 24.21.0');
  writeFileSync(env, 'NODE_IMAGE=node:24.21.0-bookworm-slim\n');
  expect((await call(libs, 'check_env_agrees', [env, '24.21.0'])).code).toBe(0);
});
