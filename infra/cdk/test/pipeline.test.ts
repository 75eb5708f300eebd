import { imageRepositoryPolicy } from '@keyless/iam-model';
import { describe, expect, it } from 'vitest';
import { IMAGE_REPOSITORIES } from '../src/stacks/pipeline-stack.ts';
import { onlyResource, resourcesOf, synthesizedModel, templateJson } from './assembly.ts';

const { settings } = synthesizedModel();
const { account, region } = settings;
const repositories = resourcesOf('pipeline', 'AWS::ECR::Repository').map(
  ([, repository]) => repository.Properties,
);

describe('image repositories', () => {
  it('exist for the three images, scan on push and keep tags immutable', () => {
    expect(repositories.map((repository) => repository.RepositoryName).sort()).toEqual(
      IMAGE_REPOSITORIES.map((name) => `keyless/${name}`).sort(),
    );
    for (const repository of repositories) {
      expect(repository).toMatchObject({
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'IMMUTABLE',
      });
    }
  });

  it('let only the CDK image-publishing role push', () => {
    for (const repository of repositories) {
      const policy = repository.RepositoryPolicyText as { Statement: Record<string, unknown>[] };
      expect(policy.Statement).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: {
            AWS: `arn:aws:iam::${account}:role/cdk-hnb659fds-image-publishing-role-${account}-${region}`,
          },
        }),
      ]);
      expect(policy.Statement[0]?.Action).toContain('ecr:PutImage');
    }
  });

  it('carry the IAM model’s repository policy, the one the local registry decides with', () => {
    const [statement] = imageRepositoryPolicy(synthesizedModel().model.params).Statement;
    for (const repository of repositories) {
      const policy = repository.RepositoryPolicyText as { Statement: Record<string, unknown>[] };
      expect(policy.Statement).toEqual([
        { ...statement, Action: [...[statement?.Action ?? []].flat()].sort() },
      ]);
    }
  });
});

describe('GitHub OIDC', () => {
  it('trusts GitHub’s issuer for the STS audience, verified by IAM’s CA library (no thumbprint)', () => {
    const [, provider] = onlyResource('pipeline', 'AWS::IAM::OIDCProvider');
    expect(provider.Properties).toEqual({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
  });

  it('outputs the role ARNs the workflows assume', () => {
    expect(Object.keys(templateJson('pipeline').Outputs ?? {})).toEqual(
      expect.arrayContaining(['DeployRoleArn', 'DiffRoleArn']),
    );
  });
});
