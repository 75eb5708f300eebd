// sts:AssumeRole for AWS service principals (what ECS, Lambda and EKS Pod Identity do on a
// workload's behalf), and session lengths, against the roles of the shared IAM model.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromWebToken } from '@aws-sdk/credential-providers';
import { podIdentitySessionTags, type IamModelParams } from '@keyless/iam-model';
import { emulatorAccountId } from '@keyless/local-platform';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ServiceAssumeRoleRequest } from '../contracts.ts';
import { createDecisionLog } from '../decision-log.ts';
import { mintServiceAccountToken } from '../oidc/service-account-token.ts';
import { StsError } from './sts-error.ts';
import { startStsFront } from './sts-front.ts';
import { planeNeeds, startPlaneFixture, type PlaneFixture } from './testing/plane-fixture.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(planeNeeds, () => {
  let plane: PlaneFixture;
  beforeAll(async () => {
    plane = await startPlaneFixture();
  });
  afterAll(() => plane?.stop());

  const region = () => plane.platform.region;
  const taskArn = () =>
    `arn:aws:ecs:${region()}:${emulatorAccountId}:task/keyless/0123456789abcdef0123456789abcdef`;

  function ecsTask(overrides: Partial<ServiceAssumeRoleRequest> = {}): ServiceAssumeRoleRequest {
    return {
      service: 'ecs-tasks.amazonaws.com',
      roleArn: plane.roleArn('api'),
      sessionName: '0123456789abcdef0123456789abcdef',
      sourceAccount: emulatorAccountId,
      sourceArn: taskArn(),
      ...overrides,
    };
  }

  async function refusal(request: ServiceAssumeRoleRequest): Promise<StsError> {
    const error = await plane.front.issueServiceCredentials(request).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error, 'the request was allowed').toBeInstanceOf(StsError);
    expect(plane.decisions.at(-1)).toMatchObject({
      decision: 'denied',
      caller: request.service,
      role: request.roleArn,
    });
    return error as StsError;
  }

  function podIdentityTags(namespace = 'keyless') {
    const tags = podIdentitySessionTags({
      partition: 'aws',
      accountId: emulatorAccountId,
      region: region(),
      eksClusterName: 'keyless',
    } as IamModelParams);
    return { ...tags, 'kubernetes-namespace': namespace, 'kubernetes-pod-name': 'usage-reporter-1' };
  }

  describe('service principals', () => {
    test('ecs-tasks gets api credentials for a task of this account, and the emulator accepts them', async () => {
      const credentials = await plane.front.issueServiceCredentials(ecsTask());
      expect(credentials.expiration.getTime()).toBeGreaterThan(Date.now());
      const sts = new STSClient({ endpoint: plane.front.endpoint, region: region(), credentials });
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      sts.destroy();
      expect(identity.Arn).toMatch(/:assumed-role\/[^/]*api\/0123456789abcdef0123456789abcdef$/);
      expect(plane.decisions.at(-1)).toMatchObject({
        caller: 'ecs-tasks.amazonaws.com',
        action: 'sts:AssumeRole',
        decision: 'allowed',
        check: 'trust-policy',
        statement: 'EcsTasksOfThisAccount',
      });
    });

    test('lambda gets upload-processor credentials', async () => {
      const credentials = await plane.front.issueServiceCredentials({
        service: 'lambda.amazonaws.com',
        roleArn: plane.roleArn('upload-processor'),
        sessionName: 'upload-processor',
        sourceAccount: emulatorAccountId,
      });
      expect(credentials.accessKeyId).toBeTruthy();
    });

    test('lambda cannot assume api', async () => {
      const error = await refusal({ ...ecsTask(), service: 'lambda.amazonaws.com' });
      expect(error.code).toBe('AccessDenied');
      expect(error.message).toContain('trust-policy check on role');
      expect(error.message).toContain("principal Service 'lambda.amazonaws.com' not trusted");
    });

    test('ecs-tasks acting for another account is refused (confused deputy)', async () => {
      const error = await refusal(ecsTask({ sourceAccount: '999999999999' }));
      expect(error.message).toContain(
        `'aws:SourceAccount' expected '${emulatorAccountId}', got '999999999999'`,
      );
      expect(plane.decisions.at(-1)).toMatchObject({
        check: 'trust-policy',
        statement: 'EcsTasksOfThisAccount',
      });
    });

    test('pods.eks gets usage-reporter credentials with the Pod Identity session tags', async () => {
      const credentials = await plane.front.issueServiceCredentials({
        service: 'pods.eks.amazonaws.com',
        roleArn: plane.roleArn('usage-reporter'),
        sessionName: 'eks-keyless-usage-repo',
        tags: podIdentityTags(),
      });
      expect(credentials.sessionToken).toBeTruthy();
      expect(plane.decisions.at(-1)).toMatchObject({ decision: 'allowed', statement: 'EksPodIdentity' });
    });

    test('pods.eks is refused for a pod of another namespace', async () => {
      const error = await refusal({
        service: 'pods.eks.amazonaws.com',
        roleArn: plane.roleArn('usage-reporter'),
        sessionName: 'eks-keyless-usage-repo',
        tags: podIdentityTags('default'),
      });
      expect(error.message).toContain(
        "'aws:RequestTag/kubernetes-namespace' expected 'keyless', got 'default'",
      );
    });

    test('a role that does not exist is refused by the role check', async () => {
      const error = await refusal(
        ecsTask({ roleArn: `arn:aws:iam::${emulatorAccountId}:role/no-such-role` }),
      );
      expect(error.check).toBe('role');
      expect(error.message).toContain(
        `role check: role arn:aws:iam::${emulatorAccountId}:role/no-such-role does not exist`,
      );
    });
  });

  describe('session duration', () => {
    test('beyond the role’s MaxSessionDuration is refused', async () => {
      const error = await refusal(ecsTask({ durationSeconds: 7200 }));
      expect(error.code).toBe('ValidationError');
      expect(error.message).toContain(
        'exceeds the MaxSessionDuration set for this role (session-duration check: 7200 s > 3600 s',
      );
    });

    test('below AWS’s 900 s minimum is refused by default', async () => {
      const error = await refusal(ecsTask({ durationSeconds: 60 }));
      expect(error.message).toContain(
        'Member must have value greater than or equal to 900 (session-duration check)',
      );
    });

    // Shorter than AWS's 900 s minimum: an emulator that keeps to it (LocalStack core) cannot show this.
    emulatorSuite(['sts-short-sessions'], () => {
      test('a front configured for short sessions issues them, also when the SDK names no duration', async () => {
        const shortLived = await startStsFront({
          emulator: { endpoint: plane.platform.awsEndpoint, region: region() },
          decisions: createDecisionLog({ destination: { write: () => undefined } }),
          sessionDurations: { minimumSeconds: 60, defaultSeconds: 120 },
        });
        try {
          const viaService = await shortLived.issueServiceCredentials(ecsTask({ durationSeconds: 60 }));
          // Within a second of rounding: the emulator writes whole seconds.
          expect(viaService.expiration.getTime() - Date.now()).toBeLessThanOrEqual(61_000);
          expect(viaService.expiration.getTime() - Date.now()).toBeGreaterThan(0);

          const token = await mintServiceAccountToken(plane.issuers.eks, {
            namespace: 'keyless',
            serviceAccount: 'usage-reporter',
          });
          const viaSdk = await fromWebToken({
            roleArn: plane.roleArn('usage-reporter'),
            webIdentityToken: token,
            clientConfig: { endpoint: shortLived.endpoint, region: region() },
          })();
          const remaining = (viaSdk.expiration?.getTime() ?? 0) - Date.now();
          expect(remaining).toBeLessThanOrEqual(121_000);
          expect(remaining).toBeGreaterThan(60_000);
        } finally {
          await shortLived.close();
        }
      });
    });
  });
});
