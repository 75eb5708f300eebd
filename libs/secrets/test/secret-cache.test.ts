// Every test talks to a real Secrets Manager emulator. Calls are counted on the cache's own client
// through the SDK middleware stack; faults are real ones (a deleted secret), not a mocked client.
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { adminClients } from '@keyless/local-platform';
import { startTestPlatform, type TestPlatform } from '@keyless/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SecretCache, SecretUnavailableError, type SecretCacheOptions } from '../src/index.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(['secrets-manager'], () => {
  let platform: TestPlatform;
  let admin: SecretsManagerClient;

  beforeAll(async () => {
    platform = await startTestPlatform();
    admin = adminClients({ endpoint: platform.awsEndpoint, region: platform.region }).secretsManager;
  });
  afterAll(() => platform?.stop());

  let counter = 0;
  async function createSecret(value: string): Promise<string> {
    const name = platform.uniqueName(`test/secret-${++counter}`);
    await admin.send(new CreateSecretCommand({ Name: name, SecretString: value }));
    return name;
  }

  /** A fresh client for the cache alone, with its calls recorded by command name. */
  function countedClient() {
    const client = adminClients({ endpoint: platform.awsEndpoint, region: platform.region }).secretsManager;
    const calls: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        calls.push(context.commandName ?? 'unknown');
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const count = (command: string) => calls.filter((name) => name === command).length;
    return { client, calls, count };
  }

  interface LogLine {
    level: 'info' | 'warn';
    details: Record<string, unknown>;
    message: string;
  }

  function cacheWithClock(options: Omit<SecretCacheOptions, 'client'> = {}) {
    const counted = countedClient();
    const clock = { now: 1_000_000 };
    const logs: LogLine[] = [];
    const cache = new SecretCache({
      client: counted.client,
      now: () => clock.now,
      logger: {
        info: (details, message) => logs.push({ level: 'info', details: { ...details }, message }),
        warn: (details, message) => logs.push({ level: 'warn', details: { ...details }, message }),
      },
      ...options,
    });
    return { cache, clock, logs, ...counted };
  }

  describe('reads', () => {
    test('100 concurrent cold reads make exactly one GetSecretValue call', async () => {
      const secretId = await createSecret('{"password":"one"}');
      const { cache, count, calls } = cacheWithClock();
      const values = await Promise.all(Array.from({ length: 100 }, () => cache.get(secretId)));
      expect(count('GetSecretValueCommand')).toBe(1);
      expect(calls).toHaveLength(1);
      expect(new Set(values.map((v) => v.value))).toEqual(new Set(['{"password":"one"}']));
      expect(cache.has(secretId)).toBe(true);
    });

    test('within the TTL, reads are hits and make no call', async () => {
      const secretId = await createSecret('v1');
      const { cache, clock, calls } = cacheWithClock({ ttlMs: 60_000 });
      await cache.get(secretId);
      clock.now += 59_999;
      for (let i = 0; i < 10; i++) await cache.get(secretId);
      expect(calls).toEqual(['GetSecretValueCommand']);
      expect(cache.stats()).toMatchObject({ hits: 10, misses: 1, versionChecks: 0 });
    });

    test('after the TTL, an unchanged AWSCURRENT costs one DescribeSecret and no GetSecretValue', async () => {
      const secretId = await createSecret('v1');
      const { cache, clock, calls } = cacheWithClock({ ttlMs: 60_000 });
      const first = await cache.get(secretId);
      clock.now += 60_000;
      const second = await cache.get(secretId);
      expect(second).toBe(first);
      expect(calls).toEqual(['GetSecretValueCommand', 'DescribeSecretCommand']);
    });

    test('after the TTL, a new AWSCURRENT version is fetched', async () => {
      const secretId = await createSecret('v1');
      const { cache, clock, count } = cacheWithClock({ ttlMs: 60_000 });
      const first = await cache.get(secretId);
      await admin.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: 'v2' }));
      expect((await cache.get(secretId)).value).toBe('v1');
      clock.now += 60_000;
      const second = await cache.get(secretId);
      expect(second.value).toBe('v2');
      expect(second.versionId).not.toBe(first.versionId);
      expect(count('GetSecretValueCommand')).toBe(2);
    });

    test('binary secrets are refused with a reason', async () => {
      const name = platform.uniqueName(`test/binary-${++counter}`);
      await admin.send(new CreateSecretCommand({ Name: name, SecretBinary: Buffer.from('raw') }));
      const { cache } = cacheWithClock();
      await expect(cache.get(name)).rejects.toThrow(/no SecretString/);
    });
  });

  describe('rotation: AWSPENDING is never served', () => {
    test('a pending version is ignored by reads, TTL checks and forced refreshes until it becomes AWSCURRENT', async () => {
      const secretId = await createSecret('old');
      const { cache, clock } = cacheWithClock({ ttlMs: 1_000, forcedRefreshIntervalMs: 0 });
      const old = await cache.get(secretId);

      // Step 1 of single-user rotation: the new value is staged AWSPENDING only.
      const pending = await admin.send(
        new PutSecretValueCommand({ SecretId: secretId, SecretString: 'new', VersionStages: ['AWSPENDING'] }),
      );
      clock.now += 1_000;
      expect((await cache.get(secretId)).value).toBe('old');
      expect((await cache.forceRefresh(secretId, 'test')).value).toBe('old');

      // Last step: AWSCURRENT moves to the pending version.
      await admin.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: pending.VersionId,
          RemoveFromVersionId: old.versionId,
        }),
      );
      const rotated = await cache.forceRefresh(secretId, 'test');
      expect(rotated).toMatchObject({ value: 'new', versionId: pending.VersionId });
    });
  });

  describe('stale on error', () => {
    test('a failed refresh serves the cached value, warns, counts it stale and backs off exponentially', async () => {
      const secretId = await createSecret('kept');
      const { cache, clock, calls, logs } = cacheWithClock({
        ttlMs: 1_000,
        retryBackoff: { initialMs: 1_000, maxMs: 4_000 },
      });
      await cache.get(secretId);
      await admin.send(new DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }));

      clock.now += 1_000;
      expect((await cache.get(secretId)).value).toBe('kept');
      expect(logs).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          message: 'secret refresh failed; serving the cached value',
          details: expect.objectContaining({ secretId, failures: 1, retryInMs: 1_000 }),
        }),
      );
      const callsAfterFirstFailure = calls.length;

      // Backing off: reads are served stale without calling.
      clock.now += 999;
      expect((await cache.get(secretId)).value).toBe('kept');
      expect(calls).toHaveLength(callsAfterFirstFailure);

      // Each later failure doubles the wait, up to the maximum.
      const waits: number[] = [];
      for (let attempt = 0; attempt < 4; attempt++) {
        const before = calls.length;
        let waited = 0;
        while (calls.length === before) {
          clock.now += 500;
          waited += 500;
          await cache.get(secretId);
        }
        waits.push(waited);
      }
      expect(waits).toEqual([500, 2_000, 4_000, 4_000]);
      expect(cache.stats().refreshFailures).toBe(5);
      expect(cache.stats().stale).toBeGreaterThanOrEqual(6);
    });

    test('the backoff resets once a refresh succeeds again', async () => {
      const secretId = await createSecret('v1');
      const { cache, clock, calls } = cacheWithClock({
        ttlMs: 1_000,
        retryBackoff: { initialMs: 1_000, maxMs: 60_000 },
      });
      await cache.get(secretId);
      await admin.send(new DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }));
      clock.now += 1_000;
      await cache.get(secretId);
      await admin.send(new CreateSecretCommand({ Name: secretId, SecretString: 'v2' }));
      clock.now += 1_000;
      expect((await cache.get(secretId)).value).toBe('v2');
      const afterRecovery = calls.length;
      clock.now += 999;
      await cache.get(secretId);
      expect(calls).toHaveLength(afterRecovery);
    });

    test('with nothing cached, a failure throws SecretUnavailableError, and retries wait for the backoff', async () => {
      const secretId = platform.uniqueName('test/does-not-exist');
      const { cache, clock, calls } = cacheWithClock({ retryBackoff: { initialMs: 1_000, maxMs: 60_000 } });
      const failure = await cache.get(secretId).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SecretUnavailableError);
      expect(String(failure)).toMatch(/ResourceNotFoundException/);
      expect(cache.has(secretId)).toBe(false);

      await expect(cache.get(secretId)).rejects.toBeInstanceOf(SecretUnavailableError);
      expect(calls).toHaveLength(1);
      clock.now += 1_000;
      await expect(cache.get(secretId)).rejects.toBeInstanceOf(SecretUnavailableError);
      expect(calls).toHaveLength(2);
    });
  });

  describe('forced refresh', () => {
    test('a storm of forced refreshes makes one call, and the next waits for the interval', async () => {
      const secretId = await createSecret('v1');
      const { cache, clock, count, logs } = cacheWithClock({ forcedRefreshIntervalMs: 10_000 });
      await cache.get(secretId);
      await admin.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: 'v2' }));

      const storm = await Promise.all(
        Array.from({ length: 50 }, () => cache.forceRefresh(secretId, 'authentication failed')),
      );
      expect(new Set(storm.map((v) => v.value))).toEqual(new Set(['v2']));
      expect(count('GetSecretValueCommand')).toBe(2);

      clock.now += 9_999;
      expect((await cache.forceRefresh(secretId, 'authentication failed')).value).toBe('v2');
      expect(count('GetSecretValueCommand')).toBe(2);
      expect(cache.stats().forcedRefreshesSkipped).toBe(1);

      clock.now += 1;
      await cache.forceRefresh(secretId, 'authentication failed');
      expect(count('GetSecretValueCommand')).toBe(3);

      const refreshes = logs.filter((line) => line.message === 'secret refreshed on demand');
      expect(refreshes.map((line) => line.details.changed)).toEqual([true, false]);
      expect(refreshes[0]?.details).toMatchObject({ secretId, reason: 'authentication failed' });
    });

    test('a forced refresh bypasses the TTL', async () => {
      const secretId = await createSecret('v1');
      const { cache } = cacheWithClock({ ttlMs: 3_600_000 });
      await cache.get(secretId);
      await admin.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: 'v2' }));
      expect((await cache.get(secretId)).value).toBe('v1');
      expect((await cache.forceRefresh(secretId, 'test')).value).toBe('v2');
      expect((await cache.get(secretId)).value).toBe('v2');
    });
  });
});
