import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '@keyless/config';
import { describe, expect, test } from 'vitest';
import { ledgerWorkerConfigSchema } from '../src/index.ts';

const required = {
  AWS_REGION: 'eu-west-1',
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ledger-events',
};

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(ledgerWorkerConfigSchema, env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => `${issue.variable}: ${issue.problem}`);
  }
}

describe('worker configuration', () => {
  test('defaults: the brief secret name, TLS verified, health on loopback only', () => {
    expect(parseConfig(ledgerWorkerConfigSchema, required)).toMatchObject({
      WRITER_SECRET_ID: 'ledger/writer',
      CONCURRENCY: 10,
      WAIT_TIME_SECONDS: 20,
      VISIBILITY_TIMEOUT_SECONDS: 60,
      SECRET_TTL_SECONDS: 300,
      DB_SSL_MODE: 'verify-full',
      HEALTH_HOST: '127.0.0.1',
      HEALTH_PORT: 8080,
      STOP_TIMEOUT_SECONDS: 20,
      METRICS_FLUSH_SECONDS: 60,
      METRICS_NAMESPACE: 'keyless',
    });
  });

  test.each([
    [{ QUEUE_URL: 'ledger-events' }, 'QUEUE_URL: expected an http:// or https:// URL'],
    [{ CONCURRENCY: '0' }, 'CONCURRENCY: expected a whole number of 1 or more'],
    [{ CONCURRENCY: '500' }, 'CONCURRENCY: expected at most 100'],
    [{ WAIT_TIME_SECONDS: '21' }, 'WAIT_TIME_SECONDS: expected a whole number of seconds from 0 to 20'],
    [
      { VISIBILITY_TIMEOUT_SECONDS: '1' },
      'VISIBILITY_TIMEOUT_SECONDS: expected a whole number of seconds from 2 to 43200',
    ],
    [{ DB_SSL_MODE: 'prefer' }, 'DB_SSL_MODE: expected verify-full or disable'],
  ])('%o is refused: %s', (override, problem) => {
    expect(problems({ ...required, ...override })).toEqual([problem]);
  });

  test('the start command stops at once, naming every missing variable', async () => {
    const child = spawn(process.execPath, ['--import', '@keyless/telemetry/register', 'src/main.ts'], {
      cwd: join(import.meta.dirname, '..'),
      env: { PATH: process.env.PATH, OTEL_SERVICE_NAME: 'ledger-worker' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid configuration: AWS_REGION: required');
    expect(stderr).toContain('Invalid configuration: QUEUE_URL: required');
  });
});
