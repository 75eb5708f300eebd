import { ConfigError } from '@keyless/config';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../src/index.ts';

const started: TestPlatform[] = [];
afterAll(() => Promise.all(started.map((p) => p.stop())));

async function start(...args: Parameters<typeof startTestPlatform>) {
  const platform = await startTestPlatform(...args);
  started.push(platform);
  return platform;
}

describe('test platform', () => {
  test('process backend: a private emulator and a real PostgreSQL', async () => {
    const platform = await start({ database: true, env: { KEYLESS_TEST_BACKEND: 'processes' } });
    expect(platform.backend).toBe('processes');
    expect(platform.emulator).toBe('moto');
    expect((await fetch(`${platform.awsEndpoint}/moto-api/`)).ok).toBe(true);
    const client = new pg.Client({ connectionString: platform.database?.adminUrl });
    await client.connect();
    const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    await client.end();
    expect(Number(rows[0]?.server_version_num)).toBeGreaterThanOrEqual(170000);
    expect(platform.uniqueName('uploads')).toBe('uploads');
  });

  test('stop() leaves nothing listening', async () => {
    const platform = await startTestPlatform({ env: { KEYLESS_TEST_BACKEND: 'processes' } });
    await platform.stop();
    await expect(fetch(`${platform.awsEndpoint}/moto-api/`)).rejects.toThrow();
  });

  test('external backend: used as given, with per-file unique names', async () => {
    const own = await start({ env: { KEYLESS_TEST_BACKEND: 'processes' } });
    const shared = { AWS_ENDPOINT_URL: own.awsEndpoint };
    const [a, b] = await Promise.all([start({ env: shared }), start({ env: shared })]);
    expect(a?.backend).toBe('external');
    expect(a?.awsEndpoint).toBe(own.awsEndpoint);
    expect(a?.uniqueName('uploads')).toMatch(/^t[0-9a-f]{8}-uploads$/);
    expect(a?.uniqueName('uploads')).not.toBe(b?.uniqueName('uploads'));
  });

  test('the emulator a test asks for, else KEYLESS_EMULATOR, runs as a process whatever the engine', async () => {
    const asked = await start({ emulator: 'ministack', env: { KEYLESS_EMULATOR: 'localstack' } });
    expect(asked).toMatchObject({ backend: 'processes', emulator: 'ministack' });
    expect((await fetch(`${asked.awsEndpoint}/_ministack/health`)).ok).toBe(true);
    const configured = await start({ env: { KEYLESS_EMULATOR: 'localstack' } });
    expect(configured).toMatchObject({ backend: 'processes', emulator: 'localstack' });
    expect((await fetch(`${configured.awsEndpoint}/_localstack/health`)).ok).toBe(true);
  });

  test('KEYLESS_EMULATOR naming no emulator fails fast and is named', async () => {
    const failure = startTestPlatform({ env: { KEYLESS_EMULATOR: 'localstack-pro' } });
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/KEYLESS_EMULATOR/);
  });

  test('a bad variable fails fast and is named', async () => {
    const failure = startTestPlatform({ env: { AWS_ENDPOINT_URL: 'not a url' } });
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/AWS_ENDPOINT_URL/);
  });
});
