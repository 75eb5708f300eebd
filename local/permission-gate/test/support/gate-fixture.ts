// An emulator, the identity plane's STS front and the gate in front of both, with one role of the
// test's own: what a workload on ECS would see, end to end, through the real SDK.
import { CreateBucketCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { adminClients, emulatorAccountId } from '@keyless/emulator-admin';
import {
  createDecisionLog,
  startStsFront,
  type StsFront,
  type TemporaryCredentials,
} from '@keyless/identity-plane';
import type { PolicyDocument } from '@keyless/iam-policy';
import { createLogger } from '@keyless/logging';
import { startTestPlatform, type TestPlatform } from '@keyless/testing';
import type { Capability } from '@keyless/local-platform';
import type { GateCall, PermissionGate } from '../../src/gate-server.ts';
import { startLocalGate } from '../../src/local-gate.ts';
import { createLocalTls } from '../../src/local-tls.ts';
import { tlsOnlyBucketPolicy } from '@keyless/iam-model';

export const gateNeeds: readonly Capability[] = [
  'iam',
  'sts',
  's3',
  'sqs',
  'fixed-account-id',
  'account-whatever-access-key',
];

export interface GateFixture {
  platform: TestPlatform;
  front: StsFront;
  gate: PermissionGate;
  /** The CA the gate's HTTPS certificate chains to. */
  caCertificate: string;
  admin: ReturnType<typeof adminClients>;
  bucket: string;
  /** A bucket under the model's TLS-only bucket policy. */
  tlsBucket: string;
  queueUrl: string;
  /** Every call the gate decided, in order. */
  calls: GateCall[];
  /** Creates a role ECS tasks may assume, with this inline policy; returns its ARN. */
  createTaskRole(name: string, policy: PolicyDocument): Promise<string>;
  /** Credentials of a task of that role, as the ECS credentials endpoint would vend them. */
  taskCredentials(roleArn: string): Promise<TemporaryCredentials>;
  /** Replaces the role's inline policy and makes the gate read it again. */
  putRolePolicy(roleName: string, policy: PolicyDocument): Promise<void>;
  /** Makes the gate read every role's policies from IAM again. */
  forgetPolicies(): void;
  stop(): Promise<void>;
}

export async function startGateFixture(): Promise<GateFixture> {
  const platform = await startTestPlatform();
  const target = { endpoint: platform.awsEndpoint, region: platform.region };
  const admin = adminClients(target);
  const silent = { write: () => undefined };
  const calls: GateCall[] = [];
  const tls = await createLocalTls(['127.0.0.1', 'localhost']);
  // A bucket whose policy (the gate's, from the model) refuses plain HTTP, as the system's bucket.
  const tlsBucket = platform.uniqueName('gate-tls-bucket');
  const { gate, front, deps, close } = await startLocalGate(
    {
      tls,
      resourcePolicies: { [`arn:aws:s3:::${tlsBucket}`]: tlsOnlyBucketPolicy(`arn:aws:s3:::${tlsBucket}`) },
      emulator: target,
      accountId: emulatorAccountId,
      onCall: (call) => calls.push(call),
      logger: createLogger({ service: 'permission-gate', level: 'silent', destination: silent }),
      policyCacheMs: 60_000,
    },
    (onSessionIssued) =>
      startStsFront({
        emulator: target,
        decisions: createDecisionLog({ destination: silent }),
        onSessionIssued,
      }),
  );

  const bucket = platform.uniqueName('gate-files');
  for (const name of [bucket, tlsBucket]) {
    await admin.s3.send(
      new CreateBucketCommand({
        Bucket: name,
        CreateBucketConfiguration: { LocationConstraint: platform.region as BucketLocationConstraint },
      }),
    );
  }
  const { QueueUrl = '' } = await admin.sqs.send(
    new CreateQueueCommand({ QueueName: platform.uniqueName('gate-events') }),
  );

  const trust = (account: string) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
    ],
  });

  return {
    platform,
    front,
    gate,
    caCertificate: tls.caCertificate,
    admin,
    bucket,
    tlsBucket,
    queueUrl: QueueUrl,
    calls,
    async createTaskRole(name, policy) {
      const { Role } = await admin.iam.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: JSON.stringify(trust(emulatorAccountId)),
        }),
      );
      await admin.iam.send(
        new PutRolePolicyCommand({
          RoleName: name,
          PolicyName: 'permissions',
          PolicyDocument: JSON.stringify(policy),
        }),
      );
      return Role?.Arn ?? '';
    },
    taskCredentials: (roleArn) =>
      front.issueServiceCredentials({
        service: 'ecs-tasks.amazonaws.com',
        roleArn,
        sessionName: `task-${calls.length}`,
        sourceAccount: emulatorAccountId,
      }),
    async putRolePolicy(roleName, policy) {
      await admin.iam.send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: 'permissions',
          PolicyDocument: JSON.stringify(policy),
        }),
      );
      deps.roles.forget();
    },
    forgetPolicies: () => deps.roles.forget(),
    async stop() {
      await close();
      await front.close();
      for (const client of Object.values(admin)) client.destroy();
      await platform.stop();
    },
  };
}
