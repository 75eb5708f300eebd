// The gate end to end: a workload's real SDK clients, credentials the identity plane issued, the
// emulator behind. Every "denied" here is what AWS would answer, in AWS's words.
import { madeUpSessionKeyId } from './support/fake-credentials.ts';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DeleteRolePolicyCommand,
  DeleteRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { Agent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { emulatorAccountId } from '@keyless/emulator-admin';
import type { TemporaryCredentials } from '@keyless/identity-plane';
import type { PolicyDocument } from '@keyless/iam-policy';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { gateCallRecord } from '../src/gate-call-record.ts';
import type { GateCall } from '../src/gate-server.ts';
import { gateNeeds, startGateFixture, type GateFixture } from './support/gate-fixture.ts';
import { NodeSha256 } from '@keyless/testing';

emulatorSuite(gateNeeds, () => {
  let fixture: GateFixture;
  beforeAll(async () => {
    fixture = await startGateFixture();
  });
  afterAll(() => fixture?.stop());

  const writerPolicy = (): PolicyDocument => ({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'WriteIncoming',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${fixture.bucket}/incoming/*`,
      },
      {
        Sid: 'NeverReports',
        Effect: 'Deny',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${fixture.bucket}/reports/*`,
      },
    ],
  });

  const s3 = (credentials: TemporaryCredentials) =>
    new S3Client({
      region: fixture.platform.region,
      endpoint: fixture.gate.endpoint,
      forcePathStyle: true,
      credentials,
      maxAttempts: 1,
    });

  /** A client that trusts the gate's local CA and calls its HTTPS endpoint. */
  const s3OverTls = (credentials: TemporaryCredentials) =>
    new S3Client({
      region: fixture.platform.region,
      endpoint: fixture.gate.tlsEndpoint,
      forcePathStyle: true,
      credentials,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: fixture.caCertificate }) }),
    });

  async function refusal(promise: Promise<unknown>) {
    const error = (await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    )) as (Error & { $metadata?: { httpStatusCode?: number } }) | undefined;
    expect(error, 'the call was expected to be refused').toBeDefined();
    return { name: error?.name, message: error?.message, status: error?.$metadata?.httpStatusCode };
  }

  describe('permission policies', () => {
    let roleArn: string;
    let credentials: TemporaryCredentials;
    beforeAll(async () => {
      roleArn = await fixture.createTaskRole(fixture.platform.uniqueName('gate-writer'), writerPolicy());
      credentials = await fixture.taskCredentials(roleArn);
    });

    test('an allowed call reaches the emulator', async () => {
      await s3(credentials).send(
        new PutObjectCommand({ Bucket: fixture.bucket, Key: 'incoming/a.txt', Body: 'hello' }),
      );
      const stored = await fixture.admin.s3.send(
        new GetObjectCommand({ Bucket: fixture.bucket, Key: 'incoming/a.txt' }),
      );
      expect(await stored.Body?.transformToString()).toBe('hello');
    });

    test('an action no statement allows is AccessDenied, naming the action, the resource and why', async () => {
      const error = await refusal(
        s3(credentials).send(new GetObjectCommand({ Bucket: fixture.bucket, Key: 'incoming/a.txt' })),
      );
      const session = `arn:aws:sts::${emulatorAccountId}:assumed-role/${roleArn.split('/').pop()}/`;
      expect(error).toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(error.message).toContain(`User: ${session}`);
      expect(error.message).toContain(
        `is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::${fixture.bucket}/incoming/a.txt because no identity-based policy allows the s3:GetObject action`,
      );
    });

    test('an explicit Deny wins, and says so', async () => {
      const error = await refusal(
        s3(credentials).send(
          new PutObjectCommand({ Bucket: fixture.bucket, Key: 'reports/x.txt', Body: 'x' }),
        ),
      );
      expect(error).toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(error.message).toContain('with an explicit deny in an identity-based policy');
    });

    test('a statement removed from the role is enforced on the next call', async () => {
      const name = roleArn.split('/').pop() ?? '';
      const [, denyOnly] = writerPolicy().Statement;
      await fixture.putRolePolicy(name, { Version: '2012-10-17', Statement: denyOnly ? [denyOnly] : [] });
      const error = await refusal(
        s3(credentials).send(
          new PutObjectCommand({ Bucket: fixture.bucket, Key: 'incoming/b.txt', Body: 'b' }),
        ),
      );
      expect(error.message).toContain('s3:PutObject');
      await fixture.putRolePolicy(name, writerPolicy());
      await s3(credentials).send(
        new PutObjectCommand({ Bucket: fixture.bucket, Key: 'incoming/b.txt', Body: 'b' }),
      );
    });

    test('another service is decided too: SQS SendMessage without a grant', async () => {
      const sqs = new SQSClient({
        region: fixture.platform.region,
        endpoint: fixture.gate.endpoint,
        credentials,
        maxAttempts: 1,
      });
      const queueUrl = new URL(new URL(fixture.queueUrl).pathname, fixture.gate.endpoint).toString();
      const error = await refusal(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' })));
      expect(error).toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(error.message).toContain('sqs:SendMessage');
    });

    test('every call is recorded with who made it and how it ended', () => {
      const denied = fixture.calls.filter((call) => !call.decision.allowed);
      expect(denied.length).toBeGreaterThanOrEqual(3);
      const getObject = fixture.calls.find((call) => call.decision.resolved?.operation === 'GetObject');
      expect(getObject?.decision.session?.role?.arn).toBe(roleArn);
      expect(getObject?.status).toBe(403);
    });
  });

  describe('TLS', () => {
    test('over HTTPS aws:SecureTransport is true, over HTTP false; the trail keeps the TLS details', async () => {
      const roleArn = await fixture.createTaskRole(fixture.platform.uniqueName('gate-tls-only'), {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: `arn:aws:s3:::${fixture.bucket}/*`,
            Condition: { Bool: { 'aws:SecureTransport': 'true' } },
          },
        ],
      });
      const credentials = await fixture.taskCredentials(roleArn);
      await fixture.admin.s3.send(
        new PutObjectCommand({ Bucket: fixture.bucket, Key: 'tls/t.txt', Body: 't' }),
      );
      const read = new GetObjectCommand({ Bucket: fixture.bucket, Key: 'tls/t.txt' });
      const overTls = s3OverTls(credentials);
      const object = await overTls.send(read);
      expect(await object.Body?.transformToString()).toBe('t');
      const plain = await refusal(s3(credentials).send(read));
      expect(plain).toMatchObject({ name: 'AccessDenied', status: 403 });

      const secure = fixture.calls.filter((call) => call.request.secureTransport);
      expect(secure.at(-1)?.request.tls?.version).toMatch(/^TLSv1\.[23]$/);
      expect(gateCallRecord(secure.at(-1) as GateCall, fixture.platform.region).tlsDetails).toMatchObject({
        tlsVersion: expect.stringMatching(/^TLSv1\.[23]$/),
        clientProvidedHostHeader: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      });
    });

    test("a bucket policy requiring TLS (the CDK's enforceSSL) denies plain HTTP, whatever the role may do", async () => {
      const bucket = fixture.tlsBucket;
      const roleArn = await fixture.createTaskRole(fixture.platform.uniqueName('gate-bucket-writer'), {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: `arn:aws:s3:::${bucket}/*` },
        ],
      });
      const credentials = await fixture.taskCredentials(roleArn);
      const put = new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'a' });
      const overTls = s3OverTls(credentials);
      await overTls.send(put);
      const plain = await refusal(s3(credentials).send(put));
      expect(plain).toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(plain.message).toContain(
        `is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::${bucket}/a.txt with an explicit deny in a resource-based policy`,
      );
    });

    test('a client that does not trust the local CA refuses the gate', async () => {
      const untrusting = new S3Client({
        region: fixture.platform.region,
        endpoint: fixture.gate.tlsEndpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
        maxAttempts: 1,
      });
      const error = await refusal(
        untrusting.send(new GetObjectCommand({ Bucket: fixture.bucket, Key: 'tls/t.txt' })),
      );
      expect(error.message).toMatch(/self.signed|unable to verify|certificate/i);
    });
  });

  describe('signatures', () => {
    let credentials: TemporaryCredentials;
    beforeAll(async () => {
      const roleArn = await fixture.createTaskRole(fixture.platform.uniqueName('gate-reader'), {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${fixture.bucket}/*` },
        ],
      });
      credentials = await fixture.taskCredentials(roleArn);
      await fixture.admin.s3.send(
        new PutObjectCommand({ Bucket: fixture.bucket, Key: 'shared/r.txt', Body: 'r' }),
      );
    });

    test('a missing key is AccessDenied to a caller that may not list the bucket, NoSuchKey to one that may', async () => {
      const missing = new GetObjectCommand({ Bucket: fixture.bucket, Key: 'shared/none.txt' });
      expect(await refusal(s3(credentials).send(missing))).toMatchObject({
        name: 'AccessDenied',
        status: 403,
      });
      const lister = await fixture.createTaskRole(fixture.platform.uniqueName('gate-lister'), {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${fixture.bucket}/*` },
          {
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: `arn:aws:s3:::${fixture.bucket}`,
            Condition: { StringLike: { 's3:prefix': 'shared/*' } },
          },
        ],
      });
      const listing = await fixture.taskCredentials(lister);
      expect(await refusal(s3(listing).send(missing))).toMatchObject({ name: 'NoSuchKey', status: 404 });
      const elsewhere = new GetObjectCommand({ Bucket: fixture.bucket, Key: 'other/none.txt' });
      expect(await refusal(s3(listing).send(elsewhere))).toMatchObject({ name: 'AccessDenied', status: 403 });
    });

    test('a key nobody issued is InvalidAccessKeyId', async () => {
      const error = await refusal(
        s3({ ...credentials, accessKeyId: madeUpSessionKeyId() }).send(
          new GetObjectCommand({ Bucket: fixture.bucket, Key: 'shared/r.txt' }),
        ),
      );
      expect(error).toMatchObject({ name: 'InvalidAccessKeyId', status: 403 });
    });

    test('a wrong secret is SignatureDoesNotMatch', async () => {
      const error = await refusal(
        s3({ ...credentials, secretAccessKey: 'not-the-secret' }).send(
          new GetObjectCommand({ Bucket: fixture.bucket, Key: 'shared/r.txt' }),
        ),
      );
      expect(error).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    });

    test('a presigned URL works until it expires, and not with its key changed', async () => {
      const command = new GetObjectCommand({ Bucket: fixture.bucket, Key: 'shared/r.txt' });
      const url = await getSignedUrl(s3(credentials), command, { expiresIn: 60 });
      expect(await (await fetch(url)).text()).toBe('r');
      const other = await getSignedUrl(s3(credentials), command, {
        expiresIn: 60,
        signingDate: new Date(Date.now() - 10 * 60_000),
      });
      const expired = await fetch(other);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('Request has expired');
      const tampered = await fetch(
        url.replace('shared%2Fr.txt', 'shared%2Fs.txt').replace('shared/r.txt', 'shared/s.txt'),
      );
      expect(tampered.status).toBe(403);
      expect(await tampered.text()).toContain('SignatureDoesNotMatch');
    });

    test('a session whose role was deleted no longer works', async () => {
      const name = fixture.platform.uniqueName('gate-doomed');
      const roleArn = await fixture.createTaskRole(name, {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      });
      const doomed = await fixture.taskCredentials(roleArn);
      await s3(doomed).send(new GetObjectCommand({ Bucket: fixture.bucket, Key: 'shared/r.txt' }));
      await fixture.admin.iam.send(
        new DeleteRolePolicyCommand({ RoleName: name, PolicyName: 'permissions' }),
      );
      await fixture.admin.iam.send(new DeleteRoleCommand({ RoleName: name }));
      fixture.forgetPolicies();
      const error = await refusal(
        s3(doomed).send(new GetObjectCommand({ Bucket: fixture.bucket, Key: 'shared/r.txt' })),
      );
      expect(error).toMatchObject({ name: 'InvalidAccessKeyId', status: 403 });
    });
  });

  describe('role chaining', () => {
    let callerArn: string;
    let targetArn: string;
    let targetName: string;
    let credentials: TemporaryCredentials;
    beforeAll(async () => {
      targetName = fixture.platform.uniqueName('gate-target');
      targetArn = await fixture.createTaskRole(targetName, {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      });
      callerArn = await fixture.createTaskRole(fixture.platform.uniqueName('gate-chainer'), {
        Version: '2012-10-17',
        Statement: [{ Sid: 'MayChain', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: targetArn }],
      });
      credentials = await fixture.taskCredentials(callerArn);
    });

    const sts = () =>
      new STSClient({
        region: fixture.platform.region,
        endpoint: fixture.gate.endpoint,
        credentials,
        maxAttempts: 1,
      });

    test('GetCallerIdentity names the session', async () => {
      const identity = await sts().send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toMatch(new RegExp(`:assumed-role/${callerArn.split('/').pop()}/`));
      expect(identity.Account).toBe(emulatorAccountId);
    });

    test('GetCallerIdentity presigned as an EKS token is verified and answered in JSON when asked', async () => {
      // What `aws eks get-token` makes and aws-iam-authenticator sends: a GET signed in the query
      // string, the cluster's name in the signed x-k8s-aws-id header, JSON asked for.
      const endpoint = new URL(fixture.gate.endpoint);
      const signer = new SignatureV4({
        credentials,
        region: fixture.platform.region,
        service: 'sts',
        sha256: NodeSha256,
      });
      const presigned = await signer.presign(
        {
          method: 'GET',
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: Number(endpoint.port),
          path: '/',
          query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
          headers: { host: endpoint.host, 'x-k8s-aws-id': 'keyless' },
        },
        { expiresIn: 60 },
      );
      const url = new URL(`${endpoint.origin}/`);
      for (const [name, value] of Object.entries(presigned.query ?? {}))
        url.searchParams.set(name, String(value));
      const ask = (target: URL) =>
        fetch(target, { headers: { accept: 'application/json', 'x-k8s-aws-id': 'keyless' } });
      const answer = await ask(url);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json');
      const body = (await answer.json()) as {
        GetCallerIdentityResponse: { GetCallerIdentityResult: { Arn: string; Account: string } };
      };
      expect(body.GetCallerIdentityResponse.GetCallerIdentityResult.Arn).toMatch(
        new RegExp(`:assumed-role/${callerArn.split('/').pop()}/`),
      );
      // Another cluster's name in the signed header no longer matches the signature.
      const otherCluster = await fetch(url, {
        headers: { accept: 'application/json', 'x-k8s-aws-id': 'another-cluster' },
      });
      expect(otherCluster.status).toBe(403);
      expect(await otherCluster.text()).toContain('SignatureDoesNotMatch');
    });

    test("the target's trust policy must name the caller", async () => {
      const error = await refusal(
        sts().send(new AssumeRoleCommand({ RoleArn: targetArn, RoleSessionName: 'chained' })),
      );
      expect(error).toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(error.message).toContain('trust-policy');
    });

    test('allowed when both the caller may assume and the target trusts the caller', async () => {
      await fixture.admin.iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: targetName,
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: callerArn }, Action: 'sts:AssumeRole' }],
          }),
        }),
      );
      const { Credentials, AssumedRoleUser } = await sts().send(
        new AssumeRoleCommand({ RoleArn: targetArn, RoleSessionName: 'chained' }),
      );
      expect(AssumedRoleUser?.Arn).toMatch(new RegExp(`:assumed-role/${targetName}/chained$`));
      const chained = {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
        expiration: Credentials?.Expiration ?? new Date(),
      };
      await fixture.admin.s3.send(
        new PutObjectCommand({ Bucket: fixture.bucket, Key: 'chain/c.txt', Body: 'c' }),
      );
      const object = await s3(chained).send(
        new GetObjectCommand({ Bucket: fixture.bucket, Key: 'chain/c.txt' }),
      );
      expect(await object.Body?.transformToString()).toBe('c');
    });

    test("the caller's own policy must allow sts:AssumeRole on the target", async () => {
      const other = await fixture.createTaskRole(fixture.platform.uniqueName('gate-other'), {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      });
      const error = await refusal(
        sts().send(new AssumeRoleCommand({ RoleArn: other, RoleSessionName: 'chained' })),
      );
      expect(error).toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(error.message).toContain(`is not authorized to perform: sts:AssumeRole on resource: ${other}`);
    });
  });
});
