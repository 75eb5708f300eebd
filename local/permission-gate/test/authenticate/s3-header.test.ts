// S3 calls signed in the Authorization header by the real SDK, verified, then altered in transit.
import { madeUpSessionKeyId } from '../support/fake-credentials.ts';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../src/authenticate/authenticate-request.ts';
import type { GateRequest, IssuedSession } from '../../src/gate-request.ts';
import { captureOne } from './capture-server.ts';
import { expectAuthenticated, expectRefused, withChanges } from './expect-result.ts';
import {
  credentialsOf,
  expiredSession,
  issuedSession,
  region,
  roleSession,
  rootSession,
  sessions,
} from './sessions.ts';

const s3 = (
  endpoint: string,
  session: IssuedSession,
  options: { region?: string; systemClockOffset?: number } = {},
) =>
  new S3Client({
    region: options.region ?? region,
    endpoint,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: credentialsOf(session),
    ...(options.systemClockOffset === undefined ? {} : { systemClockOffset: options.systemClockOffset }),
  });

const putObject = (session: IssuedSession = roleSession, options = {}) =>
  captureOne((endpoint) =>
    s3(endpoint, session, options).send(
      new PutObjectCommand({
        Bucket: 'keyless-files',
        Key: 'uploads/a file (1).txt',
        Body: 'hello world',
        ContentType: 'text/plain',
      }),
    ),
  );

const getObject = (session: IssuedSession = roleSession) =>
  captureOne((endpoint) =>
    s3(endpoint, session).send(
      new GetObjectCommand({ Bucket: 'keyless-files', Key: 'uploads/report.csv', Range: 'bytes=0-9' }),
    ),
  );

const authenticate = (request: GateRequest, now = new Date()) =>
  authenticateRequest(request, sessions, { now, region });

describe('S3 requests signed in the Authorization header', () => {
  it('verifies PutObject as the SDK sends it and hands on the body and who signed it', async () => {
    const request = await putObject();
    const result = expectAuthenticated(authenticate(request));
    expect(result).toMatchObject({
      service: 's3',
      region,
      authType: 'REST-HEADER',
      session: { arn: roleSession.arn },
    });
    expect(result.payload.toString()).toBe('hello world');
    expect(result.contentSha256).toBe('b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9');
    expect(result.signatureAgeMs).toBeGreaterThanOrEqual(0);
  });

  it('verifies GetObject, and the root credentials that carry no session token', async () => {
    expect(expectAuthenticated(authenticate(await getObject())).payload.length).toBe(0);
    expect(expectAuthenticated(authenticate(await getObject(rootSession))).session.kind).toBe('root');
  });

  it('refuses a changed signed header, path or query with SignatureDoesNotMatch', async () => {
    const request = await getObject();
    const mismatch = { check: 'signature', code: 'SignatureDoesNotMatch', status: 403 } as const;
    expectRefused(
      authenticate(withChanges(request, { headers: { ...request.headers, range: 'bytes=0-99999' } })),
      mismatch,
    );
    expectRefused(
      authenticate(withChanges(request, { path: request.path.replace('report', 'secrets') })),
      mismatch,
    );
    expectRefused(authenticate(withChanges(request, { query: `${request.query}&versionId=1` })), mismatch);
    expectRefused(authenticate(withChanges(request, { method: 'DELETE' })), mismatch);
    // The key's encoding is part of what was signed: '(' spelled differently is the same key.
    const put = await putObject();
    expect(put.path).toContain('a%20file%20%281%29.txt');
    expectAuthenticated(authenticate(withChanges(put, { path: put.path.replace('%28', '(') })));
  });

  it('refuses an x-amz-* header the signature does not cover', async () => {
    const request = await putObject();
    expectRefused(
      authenticate(withChanges(request, { headers: { ...request.headers, 'x-amz-acl': 'public-read' } })),
      {
        check: 'signature',
        code: 'AccessDenied',
        status: 403,
        message: 'There were headers present in the request which were not signed: x-amz-acl',
      },
    );
  });

  it('refuses a body that is not what x-amz-content-sha256 says', async () => {
    const request = await putObject();
    expectRefused(authenticate(withChanges(request, { body: Buffer.from('hello w0rld') })), {
      check: 'payload-hash',
      code: 'XAmzContentSHA256Mismatch',
      status: 400,
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });
  });

  it('answers an unknown key, a missing or wrong session token and an expired session as S3 does', async () => {
    const request = await putObject();
    const unknown = await putObject(issuedSession(madeUpSessionKeyId()));
    expectRefused(authenticate(unknown), { check: 'unknown-key', code: 'InvalidAccessKeyId', status: 403 });
    const { 'x-amz-security-token': _token, ...withoutToken } = request.headers;
    expectRefused(authenticate(withChanges(request, { headers: withoutToken })), {
      check: 'missing-token',
      code: 'InvalidAccessKeyId',
      status: 403,
      message: 'The AWS Access Key Id you provided does not exist in our records.',
    });
    expectRefused(
      authenticate(
        withChanges(request, {
          headers: { ...request.headers, 'x-amz-security-token': 'token-of-someone-else' },
        }),
      ),
      { check: 'wrong-token', code: 'InvalidToken', status: 400 },
    );
    expectRefused(authenticate(await putObject(expiredSession)), {
      check: 'expired-token',
      code: 'ExpiredToken',
      status: 400,
      message: 'The provided token has expired.',
    });
  });

  it('refuses a request signed more than 15 minutes away from the gate clock with RequestTimeTooSkewed', async () => {
    const minutes = (n: number) => n * 60_000;
    expectRefused(authenticate(await putObject(roleSession, { systemClockOffset: -minutes(16) })), {
      check: 'clock-skew',
      code: 'RequestTimeTooSkewed',
      status: 403,
      message: 'The difference between the request time and the current time is too large.',
    });
    expectRefused(authenticate(await putObject(roleSession, { systemClockOffset: minutes(16) })), {
      check: 'clock-skew',
      code: 'RequestTimeTooSkewed',
      status: 403,
    });
    // Fourteen minutes off is within AWS's allowance.
    expectAuthenticated(authenticate(await putObject(roleSession, { systemClockOffset: -minutes(14) })));
  });

  it('refuses a credential scoped to another region, naming the expected one', async () => {
    expectRefused(authenticate(await putObject(roleSession, { region: 'eu-west-1' })), {
      check: 'scope',
      code: 'AuthorizationHeaderMalformed',
      status: 400,
      message:
        "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
    });
  });

  it('refuses a request without authentication as an anonymous one', async () => {
    const request = await getObject();
    const { authorization: _authorization, ...unsigned } = request.headers;
    expectRefused(authenticate(withChanges(request, { headers: unsigned })), {
      check: 'missing-authentication',
      code: 'AccessDenied',
      status: 403,
    });
    expectRefused(
      authenticate(
        withChanges(request, { headers: { ...request.headers, authorization: 'AWS AKID:c2lnbmF0dXJl' } }),
      ),
      {
        check: 'malformed',
        code: 'InvalidRequest',
        status: 400,
      },
    );
  });

  it('never puts the secret key or the expected signature in an error message', async () => {
    const request = await putObject();
    const result = authenticate(
      withChanges(request, { headers: { ...request.headers, 'content-type': 'text/html' } }),
    );
    expectRefused(result, { check: 'signature', code: 'SignatureDoesNotMatch', status: 403 });
    const text = JSON.stringify(result);
    expect(text).not.toContain(roleSession.secretAccessKey);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });
});
