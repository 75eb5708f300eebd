import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, redactPaths } from '../src/index.ts';
import { captureOutput } from './capture.ts';

function newLogger() {
  const output = captureOutput();
  return {
    output,
    logger: createLogger({ service: 'api', level: 'trace', destination: output.destination }),
  };
}

const bearerToken = 'eyJraWQiOiJrZXktMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';

describe('redaction', () => {
  it('never writes a bearer token from an authorization header', () => {
    const { output, logger } = newLogger();
    const headers = { authorization: `Bearer ${bearerToken}`, 'content-type': 'application/json' };
    logger.info({ req: { method: 'GET', url: '/uploads', headers } }, 'request');
    logger.info({ headers }, 'bare headers');
    logger.info({ upstream: { request: { headers: { Authorization: `Bearer ${bearerToken}` } } } }, 'nested');
    logger.info(
      { headers: { cookie: `session=${bearerToken}`, 'x-amz-security-token': bearerToken } },
      'other',
    );

    expect(output.raw()).not.toContain(bearerToken);
    const [request, bare, nested, other] = output.lines();
    expect(request?.req).toEqual({
      method: 'GET',
      url: '/uploads',
      headers: { authorization: REDACTED, 'content-type': 'application/json' },
    });
    expect(bare?.headers).toEqual({ authorization: REDACTED, 'content-type': 'application/json' });
    expect(nested?.upstream).toEqual({ request: { headers: { Authorization: REDACTED } } });
    expect(other?.headers).toEqual({ cookie: REDACTED, 'x-amz-security-token': REDACTED });
  });

  it('never writes nested passwords and secrets', () => {
    const { output, logger } = newLogger();
    logger.info({ password: 'top-level-pw' }, 'top');
    logger.info({ db: { credentials: { username: 'ledger_writer', password: 'nested-pw-3x' } } }, 'nested');
    logger.info(
      { response: { SecretString: '{"password":"from-secrets-manager"}', Name: 'ledger/writer' } },
      'secret',
    );
    logger.info({ a: { b: { c: { secret: 'three-levels-down' } } } }, 'deep');
    logger.info({ users: [{ name: 'alice', password: 'inside-an-array' }] }, 'array');
    logger.error({ err: Object.assign(new Error('login failed'), { password: 'on-the-error' }) }, 'error');

    const raw = output.raw();
    for (const value of [
      'top-level-pw',
      'nested-pw-3x',
      'from-secrets-manager',
      'three-levels-down',
      'on-the-error',
    ]) {
      expect(raw).not.toContain(value);
    }
    expect(output.lines()[1]?.db).toEqual({ credentials: { username: 'ledger_writer', password: REDACTED } });
    expect(output.lines()[2]?.response).toEqual({ SecretString: REDACTED, Name: 'ledger/writer' });
  });

  it('censors in child logger bindings too', () => {
    const { output, logger } = newLogger();
    logger.child({ session: { accessToken: bearerToken } }).info('child');
    expect(output.raw()).not.toContain(bearerToken);
    expect(output.lines()[0]?.session).toEqual({ accessToken: REDACTED });
  });

  it('censors every exported path', () => {
    const { output, logger } = newLogger();
    redactPaths.forEach((path, index) => {
      // headers["x-amz-security-token"] → ['headers', 'x-amz-security-token']; a wildcard becomes any key.
      const segments = (path.match(/[^.[\]"]+/g) ?? []).map((segment) => (segment === '*' ? 'any' : segment));
      const object = segments.reduceRight<unknown>(
        (inner, key) => ({ [key]: inner }),
        `secret-value-${index}-end`,
      );
      logger.info(object as object, path);
    });

    expect(output.lines()).toHaveLength(redactPaths.length);
    for (const index of redactPaths.keys()) expect(output.raw()).not.toContain(`secret-value-${index}-end`);
  });

  it('does not reach keys more than three levels deep (a documented limit)', () => {
    const { output, logger } = newLogger();
    logger.info({ a: { b: { c: { d: { password: 'four-levels-down' } } } } }, 'too deep');
    expect(output.raw()).toContain('four-levels-down');
  });
});
