import { describe, expect, it } from 'vitest';
import { censorSecrets, createLogger, MAX_DEPTH, REDACTED, secretKeys } from '../src/index.ts';
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

  it('censors in child and grandchild logger bindings too', () => {
    const { output, logger } = newLogger();
    const child = logger.child({ session: { accessToken: bearerToken } });
    child.info('child');
    child.child({ db: { password: 'in-a-grandchild' } }).info('grandchild');
    expect(output.raw()).not.toContain(bearerToken);
    expect(output.raw()).not.toContain('in-a-grandchild');
    expect(output.lines()[0]?.session).toEqual({ accessToken: REDACTED });
    expect(output.lines()[1]?.db).toEqual({ password: REDACTED });
  });

  it('censors every secret key in any letter case, at the top level and nested', () => {
    const { output, logger } = newLogger();
    secretKeys.forEach((key, index) => {
      const variants = [key, key.toUpperCase(), key[0]?.toUpperCase() + key.slice(1)];
      variants.forEach((variant, v) => {
        logger.info({ [variant]: `top-${index}-${v}-end` }, key);
        logger.info({ a: [{ b: { c: { d: { e: { [variant]: `deep-${index}-${v}-end` } } } } }] }, key);
      });
    });

    expect(output.lines()).toHaveLength(secretKeys.length * 6);
    expect(output.raw()).not.toMatch(/(top|deep)-\d+-\d-end/);
  });

  it('censors secrets on errors nested anywhere, and their causes', () => {
    const { output, logger } = newLogger();
    const cause = Object.assign(new Error('token rejected'), { token: 'on-the-cause' });
    const error = Object.assign(new Error('sign-in failed', { cause }), { password: 'on-the-error' });
    logger.error({ context: { attempts: [error] } }, 'nested error');
    logger.error(error);

    expect(output.raw()).not.toMatch(/on-the-(cause|error)/);
    const [nested, direct] = output.lines();
    expect(nested?.context).toEqual({
      attempts: [
        expect.objectContaining({ type: 'Error', message: expect.stringContaining('sign-in failed') }),
      ],
    });
    expect(direct?.err).toEqual(expect.objectContaining({ type: 'Error', password: REDACTED }));
  });

  it('replaces objects nested deeper than MAX_DEPTH whole, so cycles end too', () => {
    const { output, logger } = newLogger();
    const deep = Array.from({ length: MAX_DEPTH + 2 }).reduce<object>((inner) => ({ next: inner }), {
      note: 'too-deep-to-walk',
    });
    const cyclic: Record<string, unknown> = { name: 'cycle' };
    cyclic.self = cyclic;
    logger.info({ deep }, 'deep');
    logger.info({ cyclic }, 'cycle');

    expect(output.raw()).not.toContain('too-deep-to-walk');
    expect(output.lines()[1]?.cyclic).toMatchObject({ name: 'cycle', self: { name: 'cycle' } });
  });

  it('leaves the logged object unchanged, and non-secret values as they were', () => {
    const { output, logger } = newLogger();
    const fields = { user: { name: 'alice', password: 'pw-1' }, at: new Date(0), count: 3 };
    logger.info(fields, 'copy on write');

    expect(fields.user.password).toBe('pw-1');
    expect(output.lines()[0]).toMatchObject({
      user: { name: 'alice', password: REDACTED },
      at: '1970-01-01T00:00:00.000Z',
      count: 3,
    });
  });

  it('returns an object without secrets as it is (no copy on the hot path)', () => {
    const line = { requestId: 'r-1', method: 'GET', route: 'GET /v1/me', status: 200, sub: 'alice' };
    expect(censorSecrets(line)).toBe(line);
  });
});
