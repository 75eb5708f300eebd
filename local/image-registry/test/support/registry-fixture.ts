// The local ECR end to end: an emulator, the identity plane's STS front, the permission gate (over
// TLS, answering GetAuthorizationToken through the registry) and the registry, with the IAM
// model's image roles created in the emulator's IAM where the gate reads them: the image-publishing
// role as `cdk bootstrap` makes it, each image's pull role, and stand-ins for `deploy` and `diff`
// with the model's permission policies (GitHub's OIDC is the deploy rehearsal's part, not this).
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateRoleCommand, EntityAlreadyExistsException, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { adminClients, emulatorAccountId } from '@keyless/emulator-admin';
import {
  buildIamModel,
  defaultResourceNames,
  type ImageName,
  type PlatformRoleDefinition,
} from '@keyless/iam-model';
import { createDecisionLog, startStsFront, type TemporaryCredentials } from '@keyless/identity-plane';
import type { PolicyDocument } from '@keyless/iam-policy';
import { createLogger } from '@keyless/logging';
import type { Capability } from '@keyless/local-platform';
import {
  createLocalTls,
  startLocalGate,
  type CloudTrailRecord,
  type LocalAnswer,
  type LocalGate,
} from '@keyless/permission-gate';
import { startTestPlatform, type TestPlatform } from '@keyless/testing';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:https';
import { createImageRoles } from '../../src/image-roles.ts';
import { createPasswordSealer } from '../../src/login-password.ts';
import {
  startImageRegistry,
  type ImageRegistry,
  type ImageRegistryOptions,
} from '../../src/start-image-registry.ts';

export const registryNeeds: readonly Capability[] = [
  'iam',
  'sts',
  'fixed-account-id',
  'account-whatever-access-key',
];

export interface RegistryFixture {
  platform: TestPlatform;
  gate: LocalGate<{ endpoint: string; close(): Promise<void> }>['gate'];
  registry: ImageRegistry;
  /** The local CA's certificate, as a file (crane's SSL_CERT_FILE, the AWS CLI's AWS_CA_BUNDLE). */
  caFile: string;
  caCertificate: string;
  trail: CloudTrailRecord[];
  roleArns: { deploy: string; diff: string; publisher: string; pull: Record<ImageName, string> };
  /** Credentials of a session of this role, as its AWS service would get them. */
  serviceCredentials(roleArn: string, service?: string): Promise<TemporaryCredentials>;
  /** `deploy` → the image-publishing role, signed through the gate as the workflow chains. */
  chainToPublisher(deploy: TemporaryCredentials): Promise<TemporaryCredentials>;
  /** A second registry on the same gate, with other options (a sealer of its own, a clock). */
  startRegistry(options: Partial<ImageRegistryOptions>): Promise<ImageRegistry>;
  stop(): Promise<void>;
}

export async function startRegistryFixture(): Promise<RegistryFixture> {
  const platform = await startTestPlatform();
  const { region } = platform;
  const target = { endpoint: platform.awsEndpoint, region };
  const admin = adminClients(target);
  const silent = { write: () => undefined };
  const logger = createLogger({ service: 'image-registry', level: 'silent', destination: silent });
  const tls = await createLocalTls(['127.0.0.1', 'localhost']);
  const workDir = await mkdtemp(join(tmpdir(), 'keyless-registry-test-'));
  const caFile = join(workDir, 'ca.pem');
  await writeFile(caFile, tls.caCertificate);
  const trail: CloudTrailRecord[] = [];
  const trailSink = { append: (record: CloudTrailRecord) => trail.push(record) };
  const localAnswers: Record<string, LocalAnswer> = {};

  const local = await startLocalGate(
    {
      tls,
      emulator: target,
      accountId: emulatorAccountId,
      trail: trailSink,
      localAnswers,
      logger,
      policyCacheMs: 60_000,
    },
    (onSessionIssued) =>
      startStsFront({
        emulator: target,
        decisions: createDecisionLog({ destination: silent }),
        onSessionIssued,
      }),
  );
  const registries: ImageRegistry[] = [];
  // One sealer for every registry of the fixture: a password the gate issued opens in each.
  const sealer = createPasswordSealer();
  const startRegistry = async (options: Partial<ImageRegistryOptions>) => {
    const started = await startImageRegistry({
      sealer,
      tls,
      roles: local.deps.roles,
      region,
      accountId: emulatorAccountId,
      trail: trailSink,
      logger,
      ...options,
    });
    registries.push(started);
    return started;
  };
  const registry = await startRegistry({});
  localAnswers['ecr:GetAuthorizationToken'] = registry.getAuthorizationToken;

  const scope = { partition: 'aws', accountId: emulatorAccountId, region };
  const model = buildIamModel({
    ...scope,
    names: defaultResourceNames,
    eksOidcIssuer: 'oidc.eks.invalid/id/TEST',
    githubOidcIssuer: 'token.actions.githubusercontent.com',
    github: { owner: 'keyless-test', repo: 'keyless' },
    lambdaFunctionName: 'upload-processor',
    eksClusterName: 'keyless',
  });
  const policiesOf = (name: 'deploy' | 'diff') =>
    model.roles.find((role) => role.name === name)?.policies ?? {};
  const serviceTrust = (service: string): PolicyDocument => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
  const createRole = async (definition: PlatformRoleDefinition): Promise<string> => {
    const arn = `arn:aws:iam::${emulatorAccountId}:role/${definition.name}`;
    try {
      await admin.iam.send(
        new CreateRoleCommand({
          RoleName: definition.name,
          AssumeRolePolicyDocument: JSON.stringify(definition.assumeRolePolicy),
        }),
      );
    } catch (error) {
      if (!(error instanceof EntityAlreadyExistsException)) throw error;
    }
    for (const [PolicyName, document] of Object.entries(definition.policies)) {
      await admin.iam.send(
        new PutRolePolicyCommand({
          RoleName: definition.name,
          PolicyName,
          PolicyDocument: JSON.stringify(document),
        }),
      );
    }
    return arn;
  };
  // Stand-ins: the model's permissions, trusted by ECS tasks so the test can get a session of them.
  const standIn = (name: 'deploy' | 'diff') =>
    createRole({
      name: platform.uniqueName(`${name}-stand-in`),
      description: name,
      assumeRolePolicy: serviceTrust('ecs-tasks.amazonaws.com'),
      policies: policiesOf(name),
    });
  const roleArns = {
    deploy: await standIn('deploy'),
    diff: await standIn('diff'),
    ...(await createImageRoles(admin.iam, scope)),
  };
  let sessions = 0;
  return {
    platform,
    gate: local.gate,
    registry,
    caFile,
    caCertificate: tls.caCertificate,
    trail,
    roleArns,
    serviceCredentials: (roleArn, service = 'ecs-tasks.amazonaws.com') =>
      local.front.issueServiceCredentials({
        service,
        roleArn,
        sessionName: `registry-test-${(sessions += 1)}`,
        sourceAccount: emulatorAccountId,
      }),
    async chainToPublisher(deploy) {
      const sts = new STSClient({
        region,
        endpoint: local.gate.tlsEndpoint,
        credentials: deploy,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: tls.caCertificate }) }),
      });
      try {
        const { Credentials } = await sts.send(
          new AssumeRoleCommand({ RoleArn: roleArns.publisher, RoleSessionName: 'images' }),
        );
        return {
          accessKeyId: Credentials?.AccessKeyId ?? '',
          secretAccessKey: Credentials?.SecretAccessKey ?? '',
          sessionToken: Credentials?.SessionToken ?? '',
          expiration: Credentials?.Expiration ?? new Date(),
        };
      } finally {
        sts.destroy();
      }
    },
    startRegistry,
    async stop() {
      for (const started of registries) await started.close();
      await local.close();
      await local.front.close();
      for (const client of Object.values(admin)) client.destroy();
      await rm(workDir, { recursive: true, force: true });
      await platform.stop();
    },
  };
}
