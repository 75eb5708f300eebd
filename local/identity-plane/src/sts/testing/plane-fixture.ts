// One emulator, both issuers and the STS front, with the system's roles created from the shared
// IAM model and the issuers registered as IAM OIDC providers: what the STS tests run against.
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateSAMLProviderCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { buildIamModel, defaultResourceNames, type RoleName } from '@keyless/iam-model';
import { adminClients, emulatorAccountId, type Capability } from '@keyless/local-platform';
import { startTestPlatform, type TestPlatform } from '@keyless/testing';
import { createDecisionLog, type Decision } from '../../decision-log.ts';
import { startOidcIssuers, type OidcIssuers } from '../../oidc/issuer-server.ts';
import { withoutScheme } from '../oidc-providers.ts';
import { startStsFront, type StsFront, type StsFrontOptions } from '../sts-front.ts';

export const GITHUB_REPOSITORY = { owner: 'keyless-org', repo: 'keyless' } as const;

/** What the fixture uses of the emulator: roles and OIDC providers, and the STS sessions the front asks for. */
export const planeNeeds: readonly Capability[] = ['iam', 'sts', 'fixed-account-id'];

export interface PlaneFixture {
  platform: TestPlatform;
  issuers: OidcIssuers;
  front: StsFront;
  /** Every decision-log line written so far, parsed. */
  decisions: (Decision & Record<string, unknown>)[];
  /** Raw decision-log output, to search for what must never appear. */
  rawLog(): string;
  roleArn(name: RoleName): string;
  /** The model's SAML provider (named uniquely per test file), registered when `samlMetadata` was given. */
  samlProviderArn: string;
  stop(): Promise<void>;
}

export async function startPlaneFixture(
  frontOptions: Partial<StsFrontOptions> = {},
  { samlMetadata }: { samlMetadata?: string } = {},
): Promise<PlaneFixture> {
  const platform = await startTestPlatform();
  const issuers = await startOidcIssuers();
  const chunks: string[] = [];
  const front = await startStsFront({
    emulator: { endpoint: platform.awsEndpoint, region: platform.region },
    decisions: createDecisionLog({ destination: { write: (chunk: string) => void chunks.push(chunk) } }),
    githubIssuers: [issuers.github.issuerUrl],
    ...frontOptions,
  });

  const model = buildIamModel({
    partition: 'aws',
    accountId: emulatorAccountId,
    region: platform.region,
    names: defaultResourceNames,
    eksOidcIssuer: withoutScheme(issuers.eks.issuerUrl),
    githubOidcIssuer: withoutScheme(issuers.github.issuerUrl),
    github: GITHUB_REPOSITORY,
    lambdaFunctionName: 'upload-processor',
    eksClusterName: 'keyless',
    samlProviderName: platform.uniqueName('LocalIdP'),
  });
  const { iam } = adminClients({ endpoint: platform.awsEndpoint, region: platform.region });
  for (const provider of model.oidcProviders) {
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: `https://${provider.issuer}`,
        ClientIDList: provider.clientIds,
      }),
    );
  }
  let samlProviderArn = '';
  if (samlMetadata) {
    const [provider] = model.samlProviders;
    samlProviderArn =
      (
        await iam.send(
          new CreateSAMLProviderCommand({ Name: provider?.name, SAMLMetadataDocument: samlMetadata }),
        )
      ).SAMLProviderArn ?? '';
  }
  // Role names made unique per test file, so files can share one external emulator.
  const roleArns = new Map<string, string>();
  for (const role of model.roles) {
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: platform.uniqueName(role.name),
        AssumeRolePolicyDocument: JSON.stringify(role.assumeRolePolicy),
        MaxSessionDuration: role.maxSessionDurationSeconds,
      }),
    );
    roleArns.set(role.name, Role?.Arn ?? '');
    // The people roles' sessions are used against a permission gate in some tests: give them their policies.
    if (role.name === 'developer' || role.name === 'operator') {
      for (const [PolicyName, document] of Object.entries(role.policies)) {
        await iam.send(
          new PutRolePolicyCommand({
            RoleName: platform.uniqueName(role.name),
            PolicyName,
            PolicyDocument: JSON.stringify(document),
          }),
        );
      }
    }
  }
  iam.destroy();

  const rawLog = () => chunks.join('');
  return {
    platform,
    issuers,
    front,
    get decisions() {
      return rawLog()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Decision & Record<string, unknown>);
    },
    rawLog,
    roleArn: (name) => roleArns.get(name) ?? '',
    samlProviderArn,
    async stop() {
      await Promise.all([front.close(), issuers.close()]);
      await platform.stop();
    },
  };
}
