// The cluster as the IRSA issuer: the control plane with the pod-identity webhook, an emulator,
// the STS front told where the cluster's issuer documents are served, the issuer registered as an
// IAM OIDC provider, and the usage-reporter role created from the shared IAM model with that issuer.
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { buildIamModel, defaultResourceNames } from '@keyless/iam-model';
import {
  createDecisionLog,
  startStsFront,
  withoutScheme,
  type Decision,
  type StsFront,
} from '@keyless/identity-plane';
import { adminClients, emulatorAccountId } from '@keyless/local-platform';
import { startTestPlatform, type TestPlatform } from '@keyless/testing';
import { afterAll, beforeAll } from 'vitest';
import { clusterIssuerLocation, registerClusterIssuer } from '../../src/aws/register-cluster-issuer.ts';
import type { ControlPlane } from '../../src/cluster/control-plane.ts';
import { useCluster, type ClusterFixture } from './cluster.ts';

export interface IrsaPlane extends ClusterFixture {
  platform: TestPlatform;
  front: StsFront;
  usageReporterRoleArn: string;
  decisions(): Decision[];
}

export function irsaModel(cluster: ControlPlane, region: string) {
  return buildIamModel({
    partition: 'aws',
    accountId: emulatorAccountId,
    region,
    names: defaultResourceNames,
    eksOidcIssuer: withoutScheme(cluster.issuer),
    githubOidcIssuer: 'token.actions.githubusercontent.com',
    github: { owner: 'keyless-org', repo: 'keyless' },
    lambdaFunctionName: 'upload-processor',
    eksClusterName: 'keyless',
  });
}

export function useIrsaPlane(): IrsaPlane {
  const fixture = useCluster({ webhook: true }) as IrsaPlane;
  const lines: string[] = [];
  beforeAll(async () => {
    fixture.platform = await startTestPlatform();
    const { region, awsEndpoint } = fixture.platform;
    fixture.front = await startStsFront({
      emulator: { endpoint: awsEndpoint, region },
      decisions: createDecisionLog({ destination: { write: (chunk: string) => void lines.push(chunk) } }),
      issuerLocations: clusterIssuerLocation(fixture.cluster),
    });
    const { iam } = adminClients({ endpoint: awsEndpoint, region });
    await registerClusterIssuer(iam, fixture.cluster);
    const role = irsaModel(fixture.cluster, region).roles.find(
      (candidate) => candidate.name === 'usage-reporter',
    );
    if (!role) throw new Error('the IAM model has no usage-reporter role');
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: fixture.platform.uniqueName(role.name),
        AssumeRolePolicyDocument: JSON.stringify(role.assumeRolePolicy),
        MaxSessionDuration: role.maxSessionDurationSeconds,
      }),
    );
    iam.destroy();
    fixture.usageReporterRoleArn = Role?.Arn ?? '';
    fixture.decisions = () =>
      lines
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Decision);
  }, 120_000);
  afterAll(async () => {
    await fixture.front?.close();
    await fixture.platform?.stop();
  });
  return fixture;
}
