// SQS, DynamoDB, Secrets Manager and STS calls signed by their real SDK clients: their paths are
// double-encoded, their bodies hashed into the canonical request, and their errors in their dialect.
import { madeUpSessionKeyId } from '../support/fake-credentials.ts';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../src/authenticate/authenticate-request.ts';
import type { GateRequest, IssuedSession } from '../../src/gate-request.ts';
import { captureOne } from './capture-server.ts';
import { expectAuthenticated, expectRefused, present, withChanges } from './expect-result.ts';
import { credentialsOf, expiredSession, issuedSession, region, roleSession, sessions } from './sessions.ts';

interface ClientOptions {
  region?: string;
  systemClockOffset?: number;
}

const config = (endpoint: string, session: IssuedSession, options: ClientOptions) => ({
  region: options.region ?? region,
  endpoint,
  maxAttempts: 1,
  credentials: credentialsOf(session),
  ...(options.systemClockOffset === undefined ? {} : { systemClockOffset: options.systemClockOffset }),
});

const calls = {
  sqs: (session: IssuedSession, options: ClientOptions = {}) =>
    captureOne((endpoint) =>
      new SQSClient(config(endpoint, session, options)).send(
        new ReceiveMessageCommand({ QueueUrl: `${endpoint}/000000000000/uploads`, MaxNumberOfMessages: 1 }),
      ),
    ),
  dynamodb: (session: IssuedSession, options: ClientOptions = {}) =>
    captureOne((endpoint) =>
      new DynamoDBClient(config(endpoint, session, options)).send(
        new GetItemCommand({ TableName: 'ledger-events', Key: { id: { S: 'event-1' } } }),
      ),
    ),
  secretsmanager: (session: IssuedSession, options: ClientOptions = {}) =>
    captureOne((endpoint) =>
      new SecretsManagerClient(config(endpoint, session, options)).send(
        new GetSecretValueCommand({ SecretId: 'ledger/writer' }),
      ),
    ),
  sts: (session: IssuedSession, options: ClientOptions = {}) =>
    captureOne((endpoint) =>
      new STSClient(config(endpoint, session, options)).send(new GetCallerIdentityCommand({})),
    ),
};

const authenticate = (request: GateRequest, now = new Date()) =>
  authenticateRequest(request, sessions, { now, region });

/** What each service answers, by AWS's documentation of its common errors. */
const dialects = {
  sqs: {
    signature: ['SignatureDoesNotMatch', 403],
    unknownKey: ['InvalidClientTokenId', 403],
    expired: ['ExpiredToken', 403],
  },
  sts: {
    signature: ['SignatureDoesNotMatch', 403],
    unknownKey: ['InvalidClientTokenId', 403],
    expired: ['ExpiredToken', 403],
  },
  dynamodb: {
    signature: ['InvalidSignatureException', 400],
    unknownKey: ['UnrecognizedClientException', 400],
    expired: ['ExpiredTokenException', 400],
  },
  secretsmanager: {
    signature: ['InvalidSignatureException', 400],
    unknownKey: ['UnrecognizedClientException', 400],
    expired: ['ExpiredTokenException', 400],
  },
} as const;

describe.each(Object.keys(calls) as (keyof typeof calls)[])('%s', (service) => {
  const call = calls[service];
  const dialect = dialects[service];
  const answer = (
    check: Parameters<typeof expectRefused>[1]['check'],
    [code, status]: readonly [string, number],
    message?: string | RegExp,
  ) => ({
    check,
    code,
    status,
    ...(message === undefined ? {} : { message }),
  });

  it('verifies the call as the SDK sends it', async () => {
    const request = await call(roleSession);
    const result = expectAuthenticated(authenticate(request));
    expect(result).toMatchObject({
      service,
      region,
      authType: 'REST-HEADER',
      session: { accessKeyId: roleSession.accessKeyId },
    });
    expect(result.payload).toEqual(request.body);
  });

  it('refuses an altered body, header or path with its signature error', async () => {
    const request = await call(roleSession);
    const mismatch = answer(
      'signature',
      dialect.signature,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
    const body = request.body
      .toString()
      .replace(/1|uploads|event-1|ledger\/writer|GetCallerIdentity/, (found) => `${found}x`);
    expect(body).not.toBe(request.body.toString());
    // These clients send x-amz-content-sha256 too, so an altered body fails on it before the signature.
    expect(request.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expectRefused(authenticate(withChanges(request, { body: Buffer.from(body) })), {
      ...mismatch,
      check: 'payload-hash',
    });
    const { 'x-amz-content-sha256': _hash, ...withoutHash } = request.headers;
    expectRefused(
      authenticate(withChanges(request, { body: Buffer.from(body), headers: withoutHash })),
      mismatch,
    );
    expectRefused(
      authenticate(
        withChanges(request, {
          headers: {
            ...request.headers,
            // A different last digit of the seconds, whatever it was: still within the skew allowed.
            'x-amz-date': present(request.headers['x-amz-date'], 'x-amz-date').replace(
              /(.)Z$/,
              (_, digit: string) => (digit === '9' ? '8Z' : '9Z'),
            ),
          },
        }),
      ),
      mismatch,
    );
    expectRefused(authenticate(withChanges(request, { path: '/other' })), mismatch);
  });

  it('refuses an unknown key, a missing or wrong token and an expired session', async () => {
    const invalid = 'The security token included in the request is invalid.';
    expectRefused(
      authenticate(await call(issuedSession(madeUpSessionKeyId()))),
      answer('unknown-key', dialect.unknownKey, invalid),
    );
    const request = await call(roleSession);
    const { 'x-amz-security-token': _token, ...withoutToken } = request.headers;
    expectRefused(
      authenticate(withChanges(request, { headers: withoutToken })),
      answer('missing-token', dialect.unknownKey, invalid),
    );
    expectRefused(
      authenticate(
        withChanges(request, { headers: { ...request.headers, 'x-amz-security-token': 'forged' } }),
      ),
      answer('wrong-token', dialect.unknownKey, invalid),
    );
    expectRefused(
      authenticate(await call(expiredSession)),
      answer('expired-token', dialect.expired, 'The security token included in the request is expired'),
    );
  });

  it('refuses a signature more than 15 minutes old as expired, and one from the future as not yet current', async () => {
    expectRefused(
      authenticate(await call(roleSession, { systemClockOffset: -20 * 60_000 })),
      answer(
        'clock-skew',
        dialect.signature,
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
      ),
    );
    expectRefused(
      authenticate(await call(roleSession, { systemClockOffset: 20 * 60_000 })),
      answer('clock-skew', dialect.signature, /^Signature not yet current: /),
    );
  });

  it('refuses a credential scoped to another region', async () => {
    expectRefused(
      authenticate(await call(roleSession, { region: 'eu-west-1' })),
      answer('scope', dialect.signature, 'Credential should be scoped to a valid region. '),
    );
  });

  it('answers a call without authentication in the service dialect', async () => {
    const request = await call(roleSession);
    const { authorization: _authorization, ...unsigned } = request.headers;
    const result = authenticate(withChanges(request, { headers: unsigned }));
    expect(result).toMatchObject({ ok: false, service, check: 'missing-authentication' });
    expect(result.ok ? undefined : result.error.code).toMatch(/^MissingAuthenticationToken(Exception)?$/);
  });
});

describe('a credential scope the gate does not know', () => {
  it('is refused as a scope error naming no service', async () => {
    const request = await calls.sts(roleSession);
    const authorization = present(request.headers['authorization'], 'authorization').replace(
      '/sts/aws4_request',
      '/not-a-service/aws4_request',
    );
    const result = authenticate(withChanges(request, { headers: { ...request.headers, authorization } }));
    expect(result).toMatchObject({
      ok: false,
      check: 'scope',
      error: { status: 403, code: 'SignatureDoesNotMatch' },
    });
    expect(result.ok || result.service).toBeUndefined();
  });
});
