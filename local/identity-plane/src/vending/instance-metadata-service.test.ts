import { fromInstanceMetadata } from '@aws-sdk/credential-providers';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { startInstanceMetadataService, type InstanceMetadataService } from './instance-metadata-service.ts';
import { captureLogger } from './testing/capture-logger.ts';
import { recordingIssuer } from './testing/recording-issuer.ts';
import { resolveInChildProcess } from './testing/run-default-chain.ts';

const roleArn = 'arn:aws:iam::123456789012:role/ops';
const issuer = recordingIssuer();
const { logger, lines } = captureLogger();
let imds: InstanceMetadataService;

beforeAll(async () => {
  imds = await startInstanceMetadataService({ issuer: issuer.issue, roleArn, logger });
});
afterAll(() => imds.close());
beforeEach(() => {
  issuer.requests.length = 0;
  lines.length = 0;
});

async function sessionToken(ttl = '60'): Promise<string> {
  const response = await fetch(`${imds.endpoint}/latest/api/token`, {
    method: 'PUT',
    headers: { 'x-aws-ec2-metadata-token-ttl-seconds': ttl },
  });
  expect(response.status).toBe(200);
  return response.text();
}

function get(path: string, token?: string): Promise<Response> {
  return fetch(`${imds.endpoint}${path}`, { headers: token ? { 'x-aws-ec2-metadata-token': token } : {} });
}

describe('a process started with only AWS_EC2_METADATA_SERVICE_ENDPOINT', () => {
  test('gets the instance profile role through the SDK default chain, over IMDSv2', async () => {
    const result = await resolveInChildProcess({ ...imds.environment });
    expect(result.error).toBeUndefined();
    expect(result.accessKeyIds).toEqual([issuer.issued.at(-1)?.accessKeyId]);
    expect(issuer.requests.at(-1)).toMatchObject({
      service: 'ec2.amazonaws.com',
      roleArn,
      sessionName: imds.instanceId,
    });
    // Every request carried a session token: nothing was refused as IMDSv1.
    expect(lines.filter((line) => line.decision === 'denied')).toEqual([]);
  });

  test('the SDK refreshes credentials that are close to expiry', async () => {
    const shortLived = recordingIssuer(240);
    const fresh = await startInstanceMetadataService({ issuer: shortLived.issue, roleArn, logger });
    try {
      const result = await resolveInChildProcess({ ...fresh.environment }, { distinct: 3 });
      expect(result.accessKeyIds).toHaveLength(3);
      expect(shortLived.requests.length).toBeGreaterThanOrEqual(3);
    } finally {
      await fresh.close();
    }
  });
});

describe('the session token', () => {
  test.each(['0', '21601', '-1', 'abc', ''])('a TTL of "%s" is refused with 400', async (ttl) => {
    const response = await fetch(`${imds.endpoint}/latest/api/token`, {
      method: 'PUT',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': ttl },
    });
    expect(response.status).toBe(400);
  });

  test('a PUT without the TTL header is refused with 400, one through a proxy (X-Forwarded-For) with 403', async () => {
    expect((await fetch(`${imds.endpoint}/latest/api/token`, { method: 'PUT' })).status).toBe(400);
    const proxied = await fetch(`${imds.endpoint}/latest/api/token`, {
      method: 'PUT',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60', 'x-forwarded-for': '203.0.113.7' },
    });
    expect(proxied.status).toBe(403);
  });

  test('the maximum TTL is granted and echoed', async () => {
    const response = await fetch(`${imds.endpoint}/latest/api/token`, {
      method: 'PUT',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-aws-ec2-metadata-token-ttl-seconds')).toBe('21600');
  });
});

describe('metadata requests', () => {
  test('an IMDSv1 GET (no token) is refused with 401, and the refusal is logged', async () => {
    const response = await get('/latest/meta-data/iam/security-credentials/ops');
    expect(response.status).toBe(401);
    expect(lines).toContainEqual(
      expect.objectContaining({ decision: 'denied', reason: expect.stringMatching(/IMDSv1/) }),
    );
    expect(issuer.requests).toHaveLength(0);
  });

  test('an unknown or expired session token is refused with 401', async () => {
    expect((await get('/latest/meta-data/iam/security-credentials/ops', 'made-up')).status).toBe(401);
    const token = await sessionToken('1');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await get('/latest/meta-data/iam/security-credentials/ops', token)).status).toBe(401);
  });

  test('with a token: the role name, then the credentials document EC2 serves', async () => {
    const token = await sessionToken();
    const list = await get('/latest/meta-data/iam/security-credentials/', token);
    expect(await list.text()).toBe('ops');
    const response = await get('/latest/meta-data/iam/security-credentials/ops', token);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual([
      'Code',
      'LastUpdated',
      'Type',
      'AccessKeyId',
      'SecretAccessKey',
      'Token',
      'Expiration',
    ]);
    expect(body).toMatchObject({
      Code: 'Success',
      Type: 'AWS-HMAC',
      AccessKeyId: issuer.issued.at(-1)?.accessKeyId,
    });
    expect(body.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await get('/latest/meta-data/iam/security-credentials/another-role', token)).status).toBe(404);
    expect((await get('/latest/meta-data/instance-id', token)).status).toBe(404);
  });

  test('a role that does not trust ec2 yields AssumeRoleUnauthorizedAccess, which the SDK rejects', async () => {
    const denying = recordingIssuer();
    denying.denyRole = roleArn;
    const other = await startInstanceMetadataService({ issuer: denying.issue, roleArn, logger });
    try {
      const token = await (
        await fetch(`${other.endpoint}/latest/api/token`, {
          method: 'PUT',
          headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
        })
      ).text();
      const body = await (
        await fetch(`${other.endpoint}/latest/meta-data/iam/security-credentials/ops`, {
          headers: { 'x-aws-ec2-metadata-token': token },
        })
      ).json();
      expect(body).toMatchObject({
        Code: 'AssumeRoleUnauthorizedAccess',
        Message: expect.stringMatching(/ec2\.amazonaws\.com is not allowed/),
      });
      vi.stubEnv('AWS_EC2_METADATA_SERVICE_ENDPOINT', other.endpoint);
      await expect(fromInstanceMetadata()({})).rejects.toThrow(
        /Invalid response received from instance metadata service/,
      );
    } finally {
      vi.unstubAllEnvs();
      await other.close();
    }
  });
});
