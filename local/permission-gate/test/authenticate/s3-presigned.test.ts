// Presigned S3 URLs from @aws-sdk/s3-request-presigner, fetched as a browser or curl would.
import { madeUpSessionKeyId } from '../support/fake-credentials.ts';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../src/authenticate/authenticate-request.ts';
import type { GateRequest } from '../../src/gate-request.ts';
import { capturePresigned } from './capture-server.ts';
import { expectAuthenticated, expectRefused, present, withChanges } from './expect-result.ts';
import { credentialsOf, region, roleSession, rootSession, sessions } from './sessions.ts';

const client = (endpoint: string, clientRegion = region) =>
  new S3Client({
    region: clientRegion,
    endpoint,
    forcePathStyle: true,
    credentials: credentialsOf(roleSession),
  });

/** A presigned GetObject fetched from the capture endpoint it was signed for (the host is signed). */
const presignedGet = (expiresIn = 60, options: { signingDate?: Date; region?: string } = {}) =>
  capturePresigned((endpoint) =>
    getSignedUrl(
      client(endpoint, options.region),
      new GetObjectCommand({ Bucket: 'keyless-files', Key: 'uploads/report 1.csv' }),
      {
        expiresIn,
        ...(options.signingDate === undefined ? {} : { signingDate: options.signingDate }),
      },
    ),
  );

const authenticate = (request: GateRequest, now = new Date()) =>
  authenticateRequest(request, sessions, { now, region });

const withQueryParameter = (request: GateRequest, name: string, value: string): GateRequest => {
  const parameters = new URLSearchParams(request.query);
  parameters.set(name, value);
  return withChanges(request, { query: parameters.toString() });
};

describe('presigned S3 URLs', () => {
  it('verifies a presigned GetObject carrying the session token in the query', async () => {
    const request = await presignedGet();
    expect(request.query).toContain('X-Amz-Security-Token=');
    // The presigner puts the payload hash in the query too, as X-Amz-Content-Sha256.
    expect(request.query).toContain('X-Amz-Content-Sha256=UNSIGNED-PAYLOAD');
    const result = expectAuthenticated(authenticate(request));
    expect(result).toMatchObject({
      authType: 'REST-QUERY-STRING',
      service: 's3',
      contentSha256: 'UNSIGNED-PAYLOAD',
    });
  });

  it('verifies a presigned PutObject uploaded with fetch, handing on the body', async () => {
    const request = await capturePresigned(
      (endpoint) =>
        getSignedUrl(
          client(endpoint),
          new PutObjectCommand({ Bucket: 'keyless-files', Key: 'uploads/put.txt' }),
          { expiresIn: 300 },
        ),
      { method: 'PUT', body: 'uploaded through a presigned URL' },
    );
    expect(expectAuthenticated(authenticate(request)).payload.toString()).toBe(
      'uploaded through a presigned URL',
    );
  });

  it('refuses the URL once it has expired, as S3 does', async () => {
    const request = await presignedGet(60);
    expectAuthenticated(authenticate(request, new Date(Date.now() + 50_000)));
    expectRefused(authenticate(request, new Date(Date.now() + 61_000)), {
      check: 'presigned-expired',
      code: 'AccessDenied',
      status: 403,
      message: 'Request has expired',
    });
  });

  it('refuses a URL signed for later than the clock allows', async () => {
    const request = await presignedGet(60, { signingDate: new Date(Date.now() + 20 * 60_000) });
    expectRefused(authenticate(request), {
      check: 'clock-skew',
      code: 'AccessDenied',
      status: 403,
      message: 'Request is not valid yet',
    });
  });

  it('refuses X-Amz-Expires beyond a week', async () => {
    const request = await presignedGet();
    expectRefused(authenticate(withQueryParameter(request, 'X-Amz-Expires', '604801')), {
      check: 'malformed',
      code: 'AuthorizationQueryParametersError',
      status: 400,
      message: 'X-Amz-Expires must be less than a week (in seconds) that is 604800',
    });
  });

  it('refuses a changed object key, a changed expiry, a changed access key and a changed token', async () => {
    const request = await presignedGet();
    const mismatch = { check: 'signature', code: 'SignatureDoesNotMatch', status: 403 } as const;
    expectRefused(
      authenticate(withChanges(request, { path: request.path.replace('report', 'payroll') })),
      mismatch,
    );
    expectRefused(authenticate(withQueryParameter(request, 'X-Amz-Expires', '3600')), mismatch);
    expectRefused(
      authenticate(withChanges(request, { query: `${request.query}&response-content-type=text%2Fhtml` })),
      mismatch,
    );
    const credential = present(
      new URLSearchParams(request.query).get('X-Amz-Credential'),
      'X-Amz-Credential',
    );
    expectRefused(
      authenticate(
        withQueryParameter(
          request,
          'X-Amz-Credential',
          credential.replace(roleSession.accessKeyId, madeUpSessionKeyId()),
        ),
      ),
      {
        check: 'unknown-key',
        code: 'InvalidAccessKeyId',
        status: 403,
      },
    );
    // The root key carries no token, so a URL naming it with one is a token it does not have.
    expectRefused(
      authenticate(
        withQueryParameter(
          request,
          'X-Amz-Credential',
          credential.replace(roleSession.accessKeyId, rootSession.accessKeyId),
        ),
      ),
      {
        check: 'wrong-token',
        code: 'InvalidToken',
        status: 400,
      },
    );
    expectRefused(
      authenticate(withQueryParameter(request, 'X-Amz-Security-Token', 'token-of-another-session')),
      {
        check: 'wrong-token',
        code: 'InvalidToken',
        status: 400,
      },
    );
  });

  it('refuses a URL scoped to another region', async () => {
    expectRefused(authenticate(await presignedGet(60, { region: 'eu-central-1' })), {
      check: 'scope',
      code: 'AuthorizationQueryParametersError',
      status: 400,
      message:
        "Error parsing the X-Amz-Credential parameter; the region 'eu-central-1' is wrong; expecting 'us-east-1'",
    });
  });
});
