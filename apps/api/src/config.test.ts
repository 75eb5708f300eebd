import { ConfigError, parseConfig } from '@keyless/config';
import { expect, test } from 'vitest';
import { apiConfigSchema } from './config.ts';

const required = {
  AWS_REGION: 'eu-west-1',
  COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
  COGNITO_CLIENT_ID: 'abc123',
};

test('the JWKS comes from Cognito itself unless COGNITO_JWKS_URI says otherwise', () => {
  expect(parseConfig(apiConfigSchema, required).COGNITO_JWKS_URI).toBe(
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json',
  );
  const local = parseConfig(apiConfigSchema, {
    ...required,
    COGNITO_JWKS_URI: 'http://127.0.0.1:5000/p/.well-known/jwks.json',
  });
  expect(local.COGNITO_JWKS_URI).toBe('http://127.0.0.1:5000/p/.well-known/jwks.json');
});

test('defaults', () => {
  expect(parseConfig(apiConfigSchema, required)).toMatchObject({
    PORT: 8080,
    UPLOADS_TABLE: 'uploads',
    FILES_BUCKET: 'keyless-files',
    UPLOAD_URL_EXPIRES_SECONDS: 300,
    REPORT_URL_EXPIRES_SECONDS: 300,
    DRAIN_DELAY_SECONDS: 10,
    STOP_TIMEOUT_SECONDS: 20,
    METRICS_FLUSH_SECONDS: 60,
    METRICS_NAMESPACE: 'keyless',
    ACCESS_TOKEN_CACHE_SECONDS: 60,
    ALLOWED_CONTENT_TYPES: expect.arrayContaining(['application/pdf', 'text/plain']),
  });
});

test.each([
  [{ COGNITO_USER_POOL_ID: 'keyless' }, 'COGNITO_USER_POOL_ID', 'expected a Cognito user pool id'],
  [{ COGNITO_JWKS_URI: 'file:///etc/passwd' }, 'COGNITO_JWKS_URI', 'expected an http:// or https:// URL'],
  [
    { UPLOAD_URL_EXPIRES_SECONDS: '86400' },
    'UPLOAD_URL_EXPIRES_SECONDS',
    'expected a whole number of seconds from 1 to 3600',
  ],
  [
    { REPORT_URL_EXPIRES_SECONDS: '0' },
    'REPORT_URL_EXPIRES_SECONDS',
    'expected a whole number of seconds from 1 to 3600',
  ],
  [
    { ACCESS_TOKEN_CACHE_SECONDS: '3600' },
    'ACCESS_TOKEN_CACHE_SECONDS',
    'expected a whole number of seconds from 0 to 300',
  ],
  [{ DRAIN_DELAY_SECONDS: '-1' }, 'DRAIN_DELAY_SECONDS', 'expected a whole number of seconds from 0 to 300'],
  [{ ALLOWED_CONTENT_TYPES: 'text/plain,*/*' }, 'ALLOWED_CONTENT_TYPES.1', 'expected MIME types'],
  [{ DRAIN_DELAY_SECONDS: '20' }, 'DRAIN_DELAY_SECONDS', 'must be shorter than STOP_TIMEOUT_SECONDS'],
  [
    { STOP_TIMEOUT_SECONDS: '2', DRAIN_DELAY_SECONDS: '0' },
    'STOP_TIMEOUT_SECONDS',
    'expected 3 or more seconds',
  ],
])('refuses %j', (env, variable, problem) => {
  expect(() => parseConfig(apiConfigSchema, { ...required, ...env })).toThrow(ConfigError);
  try {
    parseConfig(apiConfigSchema, { ...required, ...env });
  } catch (error) {
    expect((error as ConfigError).issues).toContainEqual({
      variable,
      problem: expect.stringContaining(problem),
    });
  }
});

test('0 turns the verified-token cache and the drain delay off', () => {
  expect(
    parseConfig(apiConfigSchema, { ...required, ACCESS_TOKEN_CACHE_SECONDS: '0', DRAIN_DELAY_SECONDS: '0' }),
  ).toMatchObject({ ACCESS_TOKEN_CACHE_SECONDS: 0, DRAIN_DELAY_SECONDS: 0 });
});

test('the stop and the metrics are read as every service reads them (@keyless/service)', () => {
  const config = parseConfig(apiConfigSchema, {
    ...required,
    STOP_TIMEOUT_SECONDS: '40',
    METRICS_FLUSH_SECONDS: '5',
    METRICS_NAMESPACE: 'acme',
    // The api's own names before it ran on @keyless/service: no longer read.
    METRICS_FLUSH_INTERVAL_SECONDS: '1',
  });
  expect(config).toMatchObject({
    STOP_TIMEOUT_SECONDS: 40,
    METRICS_FLUSH_SECONDS: 5,
    METRICS_NAMESPACE: 'acme',
  });
  expect(config).not.toHaveProperty('METRICS_FLUSH_INTERVAL_SECONDS');
});
