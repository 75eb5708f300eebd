// The local ECR with real clients: the AWS CLI gets the login password through the permission
// gate, crane pushes and pulls. Who may push and pull is the IAM model's: the repository policy
// (the CDK app's) and each role's own policies, decided by ECR action for the caller the password
// names. Every refusal names the ECR action and the caller, in AWS's words.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulatorAccountId } from '@keyless/emulator-admin';
import type { TemporaryCredentials } from '@keyless/identity-plane';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CraneClient } from '../src/crane-client.ts';
import { createPasswordSealer } from '../src/login-password.ts';
import { tagImmutabilityMessage } from '../src/registry-front.ts';
import { EXPIRED_PASSWORD_MESSAGE, INVALID_PASSWORD_MESSAGE } from '../src/token-endpoint.ts';
import { imageRepositoryPolicy } from '@keyless/iam-model';
import { documented, pageBlock } from './support/flow-page.ts';
import { crane, getLoginPassword, randomLayer } from './support/image-clients.ts';
import { registryNeeds, startRegistryFixture, type RegistryFixture } from './support/registry-fixture.ts';

emulatorSuite(registryNeeds, () => {
  let fixture: RegistryFixture;
  const clients: CraneClient[] = [];
  beforeAll(async () => {
    fixture = await startRegistryFixture();
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await fixture?.stop();
  });

  const repositoryArn = (image: string) =>
    `arn:aws:ecr:${fixture.platform.region}:${emulatorAccountId}:repository/keyless/${image}`;
  const modelScope = () => ({
    partition: 'aws',
    accountId: emulatorAccountId,
    region: fixture.platform.region,
  });
  const sessionOf = (roleArn: string) =>
    `arn:aws:sts::${emulatorAccountId}:assumed-role/${roleArn.split('/').pop()}/`;
  const ref = (image: string, tag: string) => `${fixture.registry.host}/keyless/${image}:${tag}`;

  /** A crane logged in to the registry with `aws ecr get-login-password` of these credentials. */
  async function loggedIn(credentials: TemporaryCredentials): Promise<CraneClient> {
    const login = await getLoginPassword({
      endpoint: fixture.gate.tlsEndpoint ?? '',
      region: fixture.platform.region,
      credentials,
      caFile: fixture.caFile,
    });
    expect(login.stderr).toBe('');
    expect(login.ok).toBe(true);
    return withPassword(login.stdout);
  }

  async function withPassword(password: string): Promise<CraneClient> {
    const client = await crane(fixture.caFile);
    clients.push(client);
    const login = await client.login(fixture.registry.host, password);
    expect(login.ok, login.stderr).toBe(true);
    return client;
  }

  let publisher: CraneClient;
  let pushedDigest: string;
  beforeAll(async () => {
    const deploy = await fixture.serviceCredentials(fixture.roleArns.deploy);
    publisher = await loggedIn(await fixture.chainToPublisher(deploy));
  });

  describe('the image-publishing role, reached from deploy through the chain', () => {
    test('pushes keyless/api, and the digest it pushed is the digest pulled', async () => {
      const pushed = await publisher.pushLayer(await randomLayer(), ref('api', 'v1'));
      expect(pushed.ok, pushed.stderr).toBe(true);
      pushedDigest = pushed.stdout.split('@')[1] ?? '';
      expect(pushedDigest).toMatch(/^sha256:[0-9a-f]{64}$/);

      const puller = await loggedIn(await fixture.serviceCredentials(fixture.roleArns.pull.api));
      const digest = await puller.digest(ref('api', 'v1'));
      expect(digest).toMatchObject({ ok: true, stdout: pushedDigest });
      const pulled = await puller.pull(ref('api', 'v1'), await mkdtemp(join(tmpdir(), 'keyless-pulled-')));
      expect(pulled.ok, pulled.stderr).toBe(true);
    });

    test('a second push of the same tag is refused with ECR’s message', async () => {
      const again = await publisher.pushLayer(await randomLayer(), ref('api', 'v1'));
      expect(again.ok).toBe(false);
      expect(again.stderr).toContain(`TAG_INVALID: ${tagImmutabilityMessage('v1', 'keyless/api')}`);
      expect(again.stderr).toMatch(documented('registry: tag-twice'));
      // The tag still names what was pushed first.
      expect((await publisher.digest(ref('api', 'v1'))).stdout).toBe(pushedDigest);
    });
  });

  describe('refused pushes name the ECR action and the caller', () => {
    const refusedPush = async (credentials: TemporaryCredentials, image: string) => {
      const client = await loggedIn(credentials);
      const push = await client.pushLayer(await randomLayer(), ref(image, 'refused'));
      expect(push.ok).toBe(false);
      return push.stderr;
    };

    test('deploy itself (it may only chain to the publisher)', async () => {
      const deploy = await fixture.serviceCredentials(fixture.roleArns.deploy);
      // deploy may not even get a login: ecr:GetAuthorizationToken is the publisher's.
      const login = await getLoginPassword({
        endpoint: fixture.gate.tlsEndpoint ?? '',
        region: fixture.platform.region,
        credentials: deploy,
        caFile: fixture.caFile,
      });
      expect(login.ok).toBe(false);
      expect(login.stderr).toContain('AccessDeniedException');
      expect(login.stderr).toContain(`User: ${sessionOf(fixture.roleArns.deploy)}registry-test-`);
      expect(login.stderr).toContain('is not authorized to perform: ecr:GetAuthorizationToken');
    });

    test('the pull-request role', async () => {
      const diff = await fixture.serviceCredentials(fixture.roleArns.diff);
      const login = await getLoginPassword({
        endpoint: fixture.gate.tlsEndpoint ?? '',
        region: fixture.platform.region,
        credentials: diff,
        caFile: fixture.caFile,
      });
      expect(login.ok).toBe(false);
      expect(login.stderr).toContain(`User: ${sessionOf(fixture.roleArns.diff)}`);
      expect(login.stderr).toContain('ecr:GetAuthorizationToken');
    });

    test('an execution role, to its own repository', async () => {
      const stderr = await refusedPush(await fixture.serviceCredentials(fixture.roleArns.pull.api), 'api');
      expect(stderr).toContain('DENIED');
      expect(stderr).toContain(
        // CDK's grantPull gives it ecr:BatchCheckLayerAvailability: the first push action it lacks.
        `is not authorized to perform: ecr:InitiateLayerUpload on resource: ${repositoryArn('api')}`,
      );
      expect(stderr).toContain(sessionOf(fixture.roleArns.pull.api));
    });
  });

  describe('pulls, logins and the repository policy', () => {
    test('an execution role may not pull another service’s image', async () => {
      const worker = await loggedIn(await fixture.serviceCredentials(fixture.roleArns.pull['ledger-worker']));
      const pull = await worker.digest(ref('api', 'v1'));
      expect(pull.ok).toBe(false);
      expect(pull.stderr).toContain('DENIED');
      expect(pull.stderr).toContain(sessionOf(fixture.roleArns.pull['ledger-worker']));
      expect(pull.stderr).toContain(
        `is not authorized to perform: ecr:BatchGetImage on resource: ${repositoryArn('api')}`,
      );
      // The page's example is the api's role asking for ledger-worker's image.
      const api = await loggedIn(await fixture.serviceCredentials(fixture.roleArns.pull.api));
      expect((await api.digest(ref('ledger-worker', 'v1'))).stderr).toMatch(
        documented('registry: pull-other'),
      );
    });

    test('without the repository policy naming it, the image-publishing role may not push', async () => {
      // As if the model's statement named another principal: its own policy covers no keyless/*.
      const [statement] = imageRepositoryPolicy(modelScope()).Statement;
      const elsewhere = await fixture.startRegistry({
        repositoryPolicies: {
          [repositoryArn('api')]: {
            Version: '2012-10-17',
            Statement: [{ ...statement, Effect: 'Allow', Principal: { AWS: fixture.roleArns.deploy } }],
          },
        },
      });
      const deploy = await fixture.serviceCredentials(fixture.roleArns.deploy);
      const login = await getLoginPassword({
        endpoint: fixture.gate.tlsEndpoint ?? '',
        region: fixture.platform.region,
        credentials: await fixture.chainToPublisher(deploy),
        caFile: fixture.caFile,
      });
      const client = await crane(fixture.caFile);
      clients.push(client);
      await client.login(elsewhere.host, login.stdout);
      const push = await client.pushLayer(await randomLayer(), `${elsewhere.host}/keyless/api:v1`);
      expect(push.ok).toBe(false);
      expect(push.stderr).toMatch(documented('registry: no-principal'));
    });

    test('a login password that was altered opens nothing', async () => {
      const login = await getLoginPassword({
        endpoint: fixture.gate.tlsEndpoint ?? '',
        region: fixture.platform.region,
        credentials: await fixture.serviceCredentials(fixture.roleArns.pull.api),
        caFile: fixture.caFile,
      });
      const bytes = Buffer.from(login.stdout, 'base64url');
      bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 1;
      const client = await withPassword(bytes.toString('base64url'));
      const pull = await client.digest(ref('api', 'v1'));
      expect(pull.ok).toBe(false);
      expect(pull.stderr).toContain(`UNAUTHORIZED: ${INVALID_PASSWORD_MESSAGE}`);
      expect(pull.stderr).toMatch(documented('registry: altered'));
    });

    test('a login password past its 12 hours opens nothing', async () => {
      // A registry whose clock is 12 h ahead when the password is used: the same sealer, so only
      // the expiry can refuse it.
      const sealer = createPasswordSealer();
      let offset = 0;
      const later = await fixture.startRegistry({ sealer, now: () => new Date(Date.now() + offset) });
      const credentials = await fixture.serviceCredentials(fixture.roleArns.pull.api);
      const answer = await later.getAuthorizationToken({
        session: {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          kind: 'assumed-role',
          accountId: emulatorAccountId,
          arn: `${sessionOf(fixture.roleArns.pull.api)}expiry`,
          role: {
            arn: fixture.roleArns.pull.api,
            name: fixture.roleArns.pull.api.split('/').pop() ?? '',
            sessionName: 'expiry',
          },
          issuedAt: new Date(),
        },
        request: {
          method: 'POST',
          path: '/',
          query: '',
          headers: {},
          body: Buffer.alloc(0),
          sourceIp: '127.0.0.1',
          secureTransport: true,
        },
        requestId: 'expiry',
      });
      const { authorizationData } = JSON.parse(answer.body) as {
        authorizationData: { authorizationToken: string; expiresAt: number }[];
      };
      const [data] = authorizationData;
      expect((data?.expiresAt ?? 0) * 1000 - Date.now()).toBeGreaterThan(11.9 * 3600 * 1000);
      const password = Buffer.from(data?.authorizationToken ?? '', 'base64')
        .toString('utf8')
        .slice('AWS:'.length);
      const client = await crane(fixture.caFile);
      clients.push(client);
      await client.login(later.host, password);
      expect((await client.run(['ls', `${later.host}/keyless/api`])).stderr).not.toContain('UNAUTHORIZED');
      offset = 12 * 3600 * 1000 + 1000;
      const expired = await client.run(['ls', `${later.host}/keyless/api`]);
      expect(expired.ok).toBe(false);
      expect(expired.stderr).toContain(`UNAUTHORIZED: ${EXPIRED_PASSWORD_MESSAGE}`);
      expect(expired.stderr).toMatch(documented('registry: expired'));
    });
  });

  describe('the trail', () => {
    test('records GetAuthorizationToken and each registry decision with the caller’s ARN', () => {
      const records = fixture.trail.filter((record) => record.eventSource === 'ecr.amazonaws.com');
      const publisherArn = `arn:aws:sts::${emulatorAccountId}:assumed-role/${fixture.roleArns.publisher.split('/').pop()}/images`;
      const line = (record: (typeof records)[number]) =>
        `${record.userIdentity.arn} ${record.eventName} ${record.additionalEventData.decision}`;
      const lines = records.map(line);
      expect(lines).toContain(`${publisherArn} GetAuthorizationToken allowed`);
      for (const action of [
        'InitiateLayerUpload',
        'UploadLayerPart',
        'CompleteLayerUpload',
        'PutImage',
        'BatchCheckLayerAvailability',
      ])
        expect(lines).toContain(`${publisherArn} ${action} allowed`);
      const deployArn = `arn:aws:sts::${emulatorAccountId}:assumed-role/${fixture.roleArns.deploy.split('/').pop()}/`;
      expect(
        lines.some((text) => text.startsWith(deployArn) && text.endsWith('GetAuthorizationToken denied')),
      ).toBe(true);
      const worker = records.find(
        (record) =>
          record.userIdentity.arn?.includes(fixture.roleArns.pull['ledger-worker'].split('/').pop() ?? '-') &&
          record.eventName === 'BatchGetImage' &&
          record.additionalEventData.decision === 'denied',
      );
      expect(worker?.resources).toEqual([expect.objectContaining({ ARN: repositoryArn('api') })]);
      expect(worker?.errorMessage).toContain('ecr:BatchGetImage');
      const refusedTag = records.find((record) => record.errorCode === 'ImageTagAlreadyExistsException');
      expect(refusedTag).toMatchObject({
        eventName: 'PutImage',
        userIdentity: { arn: publisherArn },
        errorMessage: tagImmutabilityMessage('v1', 'keyless/api'),
      });
    });
  });

  describe('the flow page', () => {
    test('shows the repository policy the model builds, with the flow pages’ parameters', () => {
      const docs = { partition: 'aws', accountId: '123456789012', region: 'eu-west-1' };
      expect(JSON.parse(pageBlock('repository-policy'))).toEqual(imageRepositoryPolicy(docs));
    });
  });
});
