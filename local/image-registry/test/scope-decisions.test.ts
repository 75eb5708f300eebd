// Registry scopes as ECR actions, decided with the IAM model's policies: the repository policy
// admits the image-publishing role, each pull role its own repository, nobody anything else.
import { describe, expect, test } from 'vitest';
import {
  imagePublishingRole,
  imagePullRoles,
  imageRepositoryArn,
  imageRepositoryPolicy,
} from '@keyless/iam-model';
import type { PolicyDocument } from '@keyless/iam-policy';
import type { LoginIdentity } from '../src/login-password.ts';
import { decideScope, parseScope } from '../src/scope-decisions.ts';

const scope = { partition: 'aws', accountId: '123456789012', region: 'eu-west-1' };
const session = (roleName: string): LoginIdentity => ({
  sessionArn: `arn:aws:sts::123456789012:assumed-role/${roleName}/s`,
  roleArn: `arn:aws:iam::123456789012:role/${roleName}`,
  roleName,
  sessionName: 's',
  accountId: '123456789012',
  accessKeyId: 'ASIA-not-a-key',
  sessionIssuedAt: '2026-03-01T10:00:00.000Z',
  expiresAt: '2026-03-01T22:00:00.000Z',
});

function decide(roleName: string, identity: Record<string, PolicyDocument>, requested: string) {
  const parsed = parseScope(requested);
  if (!parsed) throw new Error(`unparsable scope ${requested}`);
  const repositoryArn = `arn:aws:ecr:eu-west-1:123456789012:repository/${parsed.repository}`;
  return decideScope({
    identity: session(roleName),
    policies: { identity },
    scope: parsed,
    repositoryArn,
    repositoryPolicy: imageRepositoryPolicy(scope),
    sourceIp: '127.0.0.1',
    now: new Date('2026-03-01T10:00:00Z'),
  });
}

describe('parseScope', () => {
  test('repository scopes, actions deduplicated', () => {
    expect(parseScope('repository:keyless/api:push,pull,push')).toEqual({
      repository: 'keyless/api',
      actions: ['push', 'pull'],
    });
  });
  test('anything else is not a repository scope', () => {
    for (const scopeText of [
      'registry:catalog:*',
      'repository:Keyless/API:pull',
      'repository:keyless/api',
      'repository::pull',
    ])
      expect(parseScope(scopeText)).toBeUndefined();
  });
});

describe('decideScope', () => {
  const publisher = imagePublishingRole(scope);
  test('the image-publishing role may push and pull keyless/api: every ECR action allowed', () => {
    const decisions = decide(publisher.name, publisher.policies, 'repository:keyless/api:push,pull');
    expect(decisions.map((decision) => decision.action)).toEqual([
      'ecr:BatchCheckLayerAvailability',
      'ecr:InitiateLayerUpload',
      'ecr:UploadLayerPart',
      'ecr:CompleteLayerUpload',
      'ecr:PutImage',
      'ecr:BatchGetImage',
      'ecr:GetDownloadUrlForLayer',
    ]);
    expect(decisions.every((decision) => decision.allowed)).toBe(true);
  });

  test('without the repository policy naming it, the publisher may not push', () => {
    const parsed = parseScope('repository:keyless/api:push');
    if (!parsed) throw new Error('unparsable');
    const [first] = decideScope({
      identity: session(publisher.name),
      policies: { identity: publisher.policies },
      scope: parsed,
      repositoryArn: imageRepositoryArn(scope, 'api'),
      sourceIp: '127.0.0.1',
      now: new Date(),
    });
    expect(first).toMatchObject({ allowed: false, action: 'ecr:BatchCheckLayerAvailability' });
  });

  test('a pull role pulls its own image and nothing else', () => {
    const { api } = imagePullRoles(scope);
    expect(decide(api.name, api.policies, 'repository:keyless/api:pull').every((d) => d.allowed)).toBe(true);
    const [refused] = decide(api.name, api.policies, 'repository:keyless/ledger-worker:pull');
    expect(refused?.message).toBe(
      `User: arn:aws:sts::123456789012:assumed-role/api-execution/s is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:eu-west-1:123456789012:repository/keyless/ledger-worker because no identity-based policy allows the ecr:BatchGetImage action`,
    );
  });

  test('a role with no ECR grant is refused push, naming the action', () => {
    const [first] = decide('deploy', {}, 'repository:keyless/api:push');
    expect(first).toMatchObject({ allowed: false, action: 'ecr:BatchCheckLayerAvailability' });
    expect(first?.message).toContain(
      'assumed-role/deploy/s is not authorized to perform: ecr:BatchCheckLayerAvailability',
    );
  });

  test('a scope action other than pull and push is refused, never guessed', () => {
    const [only] = decide(publisher.name, publisher.policies, 'repository:keyless/api:delete');
    expect(only).toMatchObject({ allowed: false, action: 'registry:delete' });
  });
});
