import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.ts';
import { captureOutput } from './capture.ts';

describe('createLogger', () => {
  it('writes one JSON object per line with a level label, ISO time and the service', () => {
    const output = captureOutput();
    createLogger({ service: 'api', level: 'info', destination: output.destination }).info(
      { uploadId: 'u-1' },
      'stored',
    );

    expect(output.raw().endsWith('\n')).toBe(true);
    const [line] = output.lines();
    expect(line).toEqual({
      level: 'info',
      time: expect.any(String),
      service: 'api',
      uploadId: 'u-1',
      msg: 'stored',
    });
    expect(new Date(String(line?.time)).toISOString()).toBe(line?.time);
  });

  it('filters by level', () => {
    const output = captureOutput();
    const logger = createLogger({ service: 'api', level: 'warn', destination: output.destination });
    logger.debug('debug');
    logger.info('info');
    logger.warn('warn');
    logger.error('error');
    expect(output.lines().map((line) => [line.level, line.msg])).toEqual([
      ['warn', 'warn'],
      ['error', 'error'],
    ]);
  });

  it('writes nothing at level silent', () => {
    const output = captureOutput();
    createLogger({ service: 'api', level: 'silent', destination: output.destination }).fatal('fatal');
    expect(output.raw()).toBe('');
  });

  it('serializes errors with name, message, code and stack', () => {
    const output = captureOutput();
    const error = Object.assign(new Error('access denied'), { code: 'AccessDenied' });
    createLogger({ service: 'api', level: 'info', destination: output.destination }).error(
      { err: error },
      'failed',
    );
    expect(output.lines()[0]?.err).toEqual({
      type: 'Error',
      message: 'access denied',
      code: 'AccessDenied',
      stack: expect.stringContaining('Error: access denied'),
    });
  });

  it('writes to stdout when no destination is given', async () => {
    const fixture = join(import.meta.dirname, 'fixtures', 'log-to-stdout.ts');
    const { stdout } = await promisify(execFile)(process.execPath, [fixture], { env: {} });
    expect(stdout).not.toContain('hunter2-in-child');
    expect(JSON.parse(stdout)).toEqual({
      level: 'info',
      time: expect.any(String),
      service: 'ledger-worker',
      password: '[REDACTED]',
      msg: 'started',
    });
  });
});
