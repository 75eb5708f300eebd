import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  awsEnv,
  booleanFromString,
  durationSeconds,
  httpUrl,
  port,
  positiveInt,
  secondsBetween,
} from '../src/index.ts';

function accepts(schema: z.core.$ZodType, input: string): unknown {
  const result = z.safeParse(schema, input);
  if (!result.success) throw new Error(`rejected ${input}: ${result.error.message}`);
  return result.data;
}

function rejects(schema: z.core.$ZodType, input: string): boolean {
  return !z.safeParse(schema, input).success;
}

describe('env schema pieces', () => {
  it('port: integers 1..65535 only', () => {
    expect(accepts(port, '1')).toBe(1);
    expect(accepts(port, '65535')).toBe(65_535);
    for (const bad of ['0', '65536', '-1', '80.5', '1e3', '0x50', ' 80', 'http'])
      expect(rejects(port, bad)).toBe(true);
  });

  it('positiveInt and durationSeconds: whole numbers from 1', () => {
    expect(accepts(positiveInt, '42')).toBe(42);
    expect(accepts(durationSeconds, '900')).toBe(900);
    for (const bad of ['0', '-5', '1.5', '', '99999999999999999999']) {
      expect(rejects(positiveInt, bad)).toBe(true);
      expect(rejects(durationSeconds, bad)).toBe(true);
    }
  });

  it('secondsBetween: whole seconds within the bounds, 0 where allowed, the bounds in the message', () => {
    expect(accepts(secondsBetween(0, 20), '0')).toBe(0);
    expect(accepts(secondsBetween(0, 20), '20')).toBe(20);
    for (const bad of ['21', '-1', '1.5', '', 'ten']) expect(rejects(secondsBetween(0, 20), bad)).toBe(true);
    expect(rejects(secondsBetween(2, 60), '1')).toBe(true);
    expect(z.safeParse(secondsBetween(2, 60), '61').error?.issues[0]?.message).toBe(
      'expected a whole number of seconds from 2 to 60',
    );
  });

  it('httpUrl: http and https only', () => {
    expect(accepts(httpUrl, 'http://127.0.0.1:4566')).toBe('http://127.0.0.1:4566');
    expect(accepts(httpUrl, 'https://s3.eu-west-1.amazonaws.com')).toBe('https://s3.eu-west-1.amazonaws.com');
    for (const bad of ['localhost:4566', 'ftp://example.com', 'file:///etc/passwd', 'not a url'])
      expect(rejects(httpUrl, bad)).toBe(true);
  });

  it('booleanFromString: exactly true, false, 1, 0', () => {
    expect([accepts(booleanFromString, 'true'), accepts(booleanFromString, '1')]).toEqual([true, true]);
    expect([accepts(booleanFromString, 'false'), accepts(booleanFromString, '0')]).toEqual([false, false]);
    for (const bad of ['yes', 'TRUE', 'on', '']) expect(rejects(booleanFromString, bad)).toBe(true);
  });

  it('awsEnv: region code required, endpoint overrides optional', () => {
    expect(awsEnv.parse({ AWS_REGION: 'us-gov-west-1' })).toEqual({ AWS_REGION: 'us-gov-west-1' });
    expect(
      awsEnv.parse({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }).AWS_ENDPOINT_URL,
    ).toBe('http://127.0.0.1:5000');
    for (const bad of ['eu-west1', 'EU-WEST-1', 'europe'])
      expect(awsEnv.safeParse({ AWS_REGION: bad }).success).toBe(false);
  });
});
