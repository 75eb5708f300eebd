import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '@keyless/config';
import { describe, expect, test } from 'vitest';
import { usageReporterConfigSchema } from '../src/config.ts';

const minimal = {
  AWS_REGION: 'eu-west-1',
  FILES_BUCKET: 'keyless-files-123456789012-eu-west-1',
  LEDGER_PROXY_HOST: 'keyless-ledger.proxy-abc.eu-west-1.rds.amazonaws.com',
};

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(usageReporterConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.issues.map((issue) => `${issue.variable}: ${issue.problem}`);
    throw error;
  }
  return [];
}

describe('reporter configuration', () => {
  test('defaults: ledger_reader on the proxy at 5432, a 24-hour period, TLS verified', () => {
    expect(parseConfig(usageReporterConfigSchema, minimal)).toMatchObject({
      LEDGER_PROXY_PORT: 5432,
      LEDGER_DB_NAME: 'ledger',
      LEDGER_DB_USER: 'ledger_reader',
      REPORT_PERIOD_HOURS: 24,
      DB_SSL_MODE: 'verify-full',
      DB_CONNECT_TIMEOUT_SECONDS: 10,
      DB_STATEMENT_TIMEOUT_SECONDS: 60,
      DEPLOY_ENV: 'local',
      LOG_LEVEL: 'info',
      METRICS_NAMESPACE: 'keyless',
      STOP_TIMEOUT_SECONDS: 20,
    });
  });

  test.each([
    [{}, 'AWS_REGION: required'],
    [{ AWS_REGION: 'eu-west-1' }, 'FILES_BUCKET: required'],
    [{ ...minimal, LEDGER_PROXY_HOST: undefined }, 'LEDGER_PROXY_HOST: required'],
    [{ ...minimal, LEDGER_PROXY_HOST: 'https://proxy' }, 'LEDGER_PROXY_HOST: expected a host name'],
    [{ ...minimal, LEDGER_PROXY_PORT: '70000' }, 'LEDGER_PROXY_PORT: expected a port'],
    [{ ...minimal, FILES_BUCKET: 'Keyless_Files' }, 'FILES_BUCKET: expected an S3 bucket name'],
    [{ ...minimal, REPORT_PERIOD_HOURS: '0' }, 'REPORT_PERIOD_HOURS'],
    [{ ...minimal, REPORT_PERIOD_HOURS: '9000' }, 'REPORT_PERIOD_HOURS: expected at most 8784 (a year)'],
    [{ ...minimal, DB_SSL_MODE: 'prefer' }, 'DB_SSL_MODE: expected verify-full or disable'],
  ])('refuses %o, naming the variable', (env, expected) => {
    expect(problems(env as Record<string, string>).join('\n')).toContain(expected);
  });
});

test('the process refuses to start on bad configuration: exit 1, one line per variable', () => {
  const result = spawnSync(process.execPath, ['--import', '@keyless/telemetry/register', 'src/main.ts'], {
    cwd: join(import.meta.dirname, '..'),
    env: { PATH: process.env.PATH, OTEL_SERVICE_NAME: 'usage-reporter', REPORT_PERIOD_HOURS: 'daily' },
    encoding: 'utf8',
  });
  expect(result.status).toBe(1);
  expect(result.stderr.trim().split('\n').sort()).toEqual([
    'Invalid configuration: AWS_REGION: required',
    'Invalid configuration: FILES_BUCKET: required',
    'Invalid configuration: LEDGER_PROXY_HOST: required',
    'Invalid configuration: REPORT_PERIOD_HOURS: expected a whole number of 1 or more',
  ]);
});
