// The image side of the model: one principal may push, each pull role reaches its own repository.
import { describe, expect, test } from 'vitest';
import { evaluateIdentityPolicies } from '@keyless/iam-policy';
import {
  ECR_PULL_ACTIONS,
  ECR_PUSH_ACTIONS,
  IMAGE_NAMES,
  imagePublishingRole,
  imagePublishingRoleArn,
  imagePullRoles,
  imageRepositoryArn,
  imageRepositoryPolicy,
} from '../src/index.ts';

const scope = { partition: 'aws', accountId: '123456789012', region: 'eu-west-1' };

describe('image repositories', () => {
  test('the repository policy names only the CDK image-publishing role, and no Resource (ECR refuses one)', () => {
    const { Statement } = imageRepositoryPolicy(scope);
    expect(Statement).toHaveLength(1);
    expect(Statement[0]).toMatchObject({
      Effect: 'Allow',
      Principal: {
        AWS: 'arn:aws:iam::123456789012:role/cdk-hnb659fds-image-publishing-role-123456789012-eu-west-1',
      },
    });
    expect(Statement[0]).not.toHaveProperty('Resource');
    expect(Statement[0]?.Action).toEqual([...ECR_PUSH_ACTIONS, ...ECR_PULL_ACTIONS]);
  });

  test('the image-publishing role is trusted by its account and pushes to no keyless repository by itself', () => {
    const role = imagePublishingRole(scope);
    expect(`arn:aws:iam::123456789012:role/${role.name}`).toBe(imagePublishingRoleArn(scope));
    expect(role.assumeRolePolicy.Statement[0]).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
    });
    for (const image of IMAGE_NAMES) {
      const push = { action: 'ecr:PutImage', resource: imageRepositoryArn(scope, image) };
      expect(evaluateIdentityPolicies(role.policies, push).allowed).toBe(false);
    }
    expect(
      evaluateIdentityPolicies(role.policies, { action: 'ecr:GetAuthorizationToken', resource: '*' }).allowed,
    ).toBe(true);
  });

  test.each(IMAGE_NAMES)(
    'the %s pull role pulls its own repository, no other, and pushes nowhere',
    (image) => {
      const { policies, assumeRolePolicy } = imagePullRoles(scope)[image];
      expect(JSON.stringify(assumeRolePolicy)).toMatch(/ecs-tasks\.amazonaws\.com|ec2\.amazonaws\.com/);
      for (const other of IMAGE_NAMES) {
        const resource = imageRepositoryArn(scope, other);
        for (const action of ECR_PULL_ACTIONS)
          expect(evaluateIdentityPolicies(policies, { action, resource }).allowed, `${action} ${other}`).toBe(
            other === image,
          );
        expect(evaluateIdentityPolicies(policies, { action: 'ecr:PutImage', resource }).allowed).toBe(false);
      }
    },
  );
});
