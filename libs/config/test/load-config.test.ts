import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { exitOnConfigError } from '../src/index.ts';

const fixture = join(import.meta.dirname, 'fixtures', 'start-app.ts');
const DATABASE_PASSWORD = 'correct-horse-battery-staple-1234';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// A real process, so that process.exit and stderr are the real ones; the env is explicit so
// nothing leaks in from the test runner's own environment.
async function startApp(env: Record<string, string>): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [fixture], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('loadConfig', () => {
  it('returns the parsed config when it is valid', async () => {
    const run = await startApp({ AWS_REGION: 'eu-west-1', DATABASE_PASSWORD });
    expect(run).toEqual({ code: 0, stderr: '', stdout: expect.any(String) });
    expect(JSON.parse(run.stdout)).toEqual({
      AWS_REGION: 'eu-west-1',
      DEPLOY_ENV: 'local',
      LOG_LEVEL: 'info',
      PORT: 8080,
      DATABASE_PASSWORD,
    });
  });

  it('exits 1 with one stderr line per problem and never prints the values', async () => {
    const secret = 'sk_live_51HcT0pSecretValueNeverPrinted';
    const run = await startApp({ PORT: secret, DATABASE_PASSWORD: secret.slice(0, 20) });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([
      'Invalid configuration: AWS_REGION: required',
      'Invalid configuration: PORT: expected an integer between 1 and 65535',
      'Invalid configuration: DATABASE_PASSWORD: Too small: expected string to have >=32 characters',
      '',
    ]);
    expect(run.stderr).not.toContain(secret.slice(0, 20));
  });
});

describe('exitOnConfigError', () => {
  it('rethrows anything but a ConfigError: only configuration problems are reported as such', () => {
    const bug = new TypeError('not a configuration problem');
    expect(() => exitOnConfigError(bug)).toThrow(bug);
  });
});
