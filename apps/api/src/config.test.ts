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
    DRAIN_DELAY_SECONDS: 10,
    STOP_TIMEOUT_SECONDS: 30,
    ACCESS_TOKEN_CACHE_SECONDS: 60,
    ALLOWED_CONTENT_TYPES: expect.arrayContaining(['application/pdf', 'text/plain']),
  });
});

test.each([
  [{ COGNITO_USER_POOL_ID: 'keyless' }, 'COGNITO_USER_POOL_ID'],
  [{ COGNITO_JWKS_URI: 'file:///etc/passwd' }, 'COGNITO_JWKS_URI'],
  [{ UPLOAD_URL_EXPIRES_SECONDS: '86400' }, 'UPLOAD_URL_EXPIRES_SECONDS'],
  [{ ACCESS_TOKEN_CACHE_SECONDS: '3600' }, 'ACCESS_TOKEN_CACHE_SECONDS'],
  [{ ALLOWED_CONTENT_TYPES: 'text/plain,*/*' }, 'ALLOWED_CONTENT_TYPES.1'],
  [{ DRAIN_DELAY_SECONDS: '30', STOP_TIMEOUT_SECONDS: '30' }, 'DRAIN_DELAY_SECONDS'],
])('refuses %j', (env, variable) => {
  expect(() => parseConfig(apiConfigSchema, { ...required, ...env })).toThrow(ConfigError);
  try {
    parseConfig(apiConfigSchema, { ...required, ...env });
  } catch (error) {
    expect((error as ConfigError).issues.map((issue) => issue.variable)).toContain(variable);
  }
});
