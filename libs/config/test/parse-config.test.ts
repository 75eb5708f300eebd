import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ConfigError, awsEnv, parseConfig, port, serviceEnv } from '../src/index.ts';

const appSchema = z.object({ ...awsEnv.shape, ...serviceEnv.shape, PORT: z._default(port, 8080) });

function configErrorFrom(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('returns typed values with defaults applied', () => {
    expect(parseConfig(appSchema, { AWS_REGION: 'eu-west-1', PORT: '3000' })).toEqual({
      AWS_REGION: 'eu-west-1',
      DEPLOY_ENV: 'local',
      LOG_LEVEL: 'info',
      PORT: 3000,
    });
  });

  it('names a missing variable as required', () => {
    const error = configErrorFrom(() => parseConfig(appSchema, {}));
    expect(error.issues).toEqual([{ variable: 'AWS_REGION', problem: 'required' }]);
    expect(error.message).toBe('Invalid configuration: AWS_REGION: required');
  });

  it('treats an empty variable as unset', () => {
    const error = configErrorFrom(() => parseConfig(appSchema, { AWS_REGION: '', AWS_ENDPOINT_URL: '' }));
    expect(error.issues).toEqual([{ variable: 'AWS_REGION', problem: 'required' }]);
  });

  it('names every bad variable in one message', () => {
    const error = configErrorFrom(() =>
      parseConfig(appSchema, {
        PORT: '70000',
        AWS_ENDPOINT_URL: 'localhost:4566',
        LOG_LEVEL: 'verbose',
        DEPLOY_ENV: 'staging',
      }),
    );
    expect(error.issues).toEqual([
      { variable: 'AWS_REGION', problem: 'required' },
      { variable: 'AWS_ENDPOINT_URL', problem: 'expected an http:// or https:// URL' },
      { variable: 'DEPLOY_ENV', problem: 'expected one of local, dev, prod' },
      { variable: 'LOG_LEVEL', problem: 'expected one of fatal, error, warn, info, debug, trace, silent' },
      { variable: 'PORT', problem: 'expected an integer between 1 and 65535' },
    ]);
    for (const { variable, problem } of error.issues)
      expect(error.message).toContain(`${variable}: ${problem}`);
  });

  it('never echoes a received value, not even one an app message interpolates', () => {
    // Made up at run time: the project keeps no key, not even an example one.
    const secret = randomBytes(30).toString('base64');
    const schema = z.object({
      AWS_REGION: awsEnv.shape.AWS_REGION,
      AWS_ENDPOINT_URL_S3: awsEnv.shape.AWS_ENDPOINT_URL_S3,
      PORT: port,
      API_KEY: z
        .string()
        .refine((value) => value.startsWith('key-'), { error: (issue) => `bad key ${String(issue.input)}` }),
    });
    const error = configErrorFrom(() =>
      parseConfig(schema, { AWS_REGION: secret, AWS_ENDPOINT_URL_S3: secret, PORT: secret, API_KEY: secret }),
    );
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'AWS_REGION',
      'AWS_ENDPOINT_URL_S3',
      'PORT',
      'API_KEY',
    ]);
    expect(error.issues[3]?.problem).toBe('invalid value (message withheld: it contained the value)');
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.issues)).not.toContain(secret);
  });

  it('reads process.env when no env is given', () => {
    expect(parseConfig(z.object({ PATH: z.string() }))).toEqual({ PATH: process.env.PATH });
  });
});
