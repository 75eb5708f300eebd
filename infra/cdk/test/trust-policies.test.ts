// Every deployed trust policy, evaluated with the project's IAM policy evaluator for the caller it
// is meant for and for each near miss. The documents come from the synthesized templates.
import { describe, expect, it } from 'vitest';
import { evaluateTrustPolicy, type RequestContext, type TrustRequest } from '@keyless/iam-policy';
import { allResources, deployedDocument, roleNamed, synthesizedModel } from './assembly.ts';

const { settings } = synthesizedModel();
const ACCOUNT = settings.account;
const OTHER_ACCOUNT = '999988887777';
const GITHUB = 'token.actions.githubusercontent.com';
const EKS = 'oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const repo = `${settings.githubOwner}/${settings.githubRepo}`;

const trustOf = (role: string) =>
  deployedDocument(roleNamed(role).resource.Properties.AssumeRolePolicyDocument, EKS);

const github = (sub: string, aud = 'sts.amazonaws.com'): TrustRequest => ({
  principal: { type: 'Federated', id: `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB}` },
  action: 'sts:AssumeRoleWithWebIdentity',
  context: { [`${GITHUB}:sub`]: sub, [`${GITHUB}:aud`]: aud },
});
const irsa = (sub: string, aud = 'sts.amazonaws.com', issuer = EKS): TrustRequest => ({
  principal: { type: 'Federated', id: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}` },
  action: 'sts:AssumeRoleWithWebIdentity',
  context: { [`${issuer}:sub`]: sub, [`${issuer}:aud`]: aud },
});
const service = (name: string, context: RequestContext): TrustRequest => ({
  principal: { type: 'Service', id: name },
  action: 'sts:AssumeRole',
  context,
});
const ecsTask = (account: string) =>
  service('ecs-tasks.amazonaws.com', {
    'aws:SourceAccount': account,
    'aws:SourceArn': `arn:aws:ecs:eu-west-1:${account}:task/keyless/0123456789abcdef`,
  });
const podIdentity = (
  tags: Record<string, string>,
  action: TrustRequest['action'] = 'sts:AssumeRole',
): TrustRequest => ({
  principal: { type: 'Service', id: 'pods.eks.amazonaws.com' },
  action,
  context: Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
});
const clusterArn = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/keyless`;
const reporterTags = {
  'kubernetes-namespace': 'keyless',
  'kubernetes-service-account': 'usage-reporter',
  'eks-cluster-arn': clusterArn,
};

interface Case {
  who: string;
  request: TrustRequest;
  allowed: boolean;
}

const table: Record<string, Case[]> = {
  deploy: [
    {
      who: 'the production environment of this repository',
      request: github(`repo:${repo}:environment:production`),
      allowed: true,
    },
    { who: 'a pull request', request: github(`repo:${repo}:pull_request`), allowed: false },
    {
      who: 'a push to main without the environment',
      request: github(`repo:${repo}:ref:refs/heads/main`),
      allowed: false,
    },
    { who: 'another environment', request: github(`repo:${repo}:environment:staging`), allowed: false },
    {
      who: 'another repository',
      request: github(`repo:someone/else:environment:production`),
      allowed: false,
    },
    {
      who: 'a token for another audience',
      request: github(`repo:${repo}:environment:production`, 'https://github.com/x'),
      allowed: false,
    },
    { who: 'the EKS issuer', request: irsa(`repo:${repo}:environment:production`), allowed: false },
  ],
  diff: [
    { who: 'a pull request of this repository', request: github(`repo:${repo}:pull_request`), allowed: true },
    {
      who: 'the production environment',
      request: github(`repo:${repo}:environment:production`),
      allowed: false,
    },
    { who: 'a branch push', request: github(`repo:${repo}:ref:refs/heads/feature`), allowed: false },
    {
      who: "another repository's pull request",
      request: github(`repo:someone/else:pull_request`),
      allowed: false,
    },
    {
      who: 'a token for another audience',
      request: github(`repo:${repo}:pull_request`, 'sigstore'),
      allowed: false,
    },
  ],
  'usage-reporter': [
    {
      who: 'IRSA: keyless/usage-reporter',
      request: irsa('system:serviceaccount:keyless:usage-reporter'),
      allowed: true,
    },
    {
      who: 'IRSA: another service account',
      request: irsa('system:serviceaccount:keyless:default'),
      allowed: false,
    },
    {
      who: 'IRSA: another namespace',
      request: irsa('system:serviceaccount:kube-system:usage-reporter'),
      allowed: false,
    },
    {
      who: 'IRSA: another audience',
      request: irsa('system:serviceaccount:keyless:usage-reporter', 'kubernetes'),
      allowed: false,
    },
    {
      who: 'IRSA: another cluster',
      request: irsa(
        'system:serviceaccount:keyless:usage-reporter',
        'sts.amazonaws.com',
        'oidc.eks.eu-west-1.amazonaws.com/id/OTHER',
      ),
      allowed: false,
    },
    {
      who: 'Pod Identity: the association of this cluster',
      request: podIdentity(reporterTags),
      allowed: true,
    },
    { who: 'Pod Identity: TagSession', request: podIdentity(reporterTags, 'sts:TagSession'), allowed: true },
    {
      who: 'Pod Identity: another cluster',
      request: podIdentity({
        ...reporterTags,
        'eks-cluster-arn': `arn:aws:eks:eu-west-1:${OTHER_ACCOUNT}:cluster/keyless`,
      }),
      allowed: false,
    },
    {
      who: 'Pod Identity: another service account',
      request: podIdentity({ ...reporterTags, 'kubernetes-service-account': 'default' }),
      allowed: false,
    },
    { who: 'an ECS task', request: ecsTask(ACCOUNT), allowed: false },
  ],
  api: [
    { who: 'an ECS task of this account', request: ecsTask(ACCOUNT), allowed: true },
    { who: 'an ECS task of another account', request: ecsTask(OTHER_ACCOUNT), allowed: false },
    {
      who: 'Lambda',
      request: service('lambda.amazonaws.com', { 'aws:SourceAccount': ACCOUNT }),
      allowed: false,
    },
    { who: 'GitHub', request: github(`repo:${repo}:environment:production`), allowed: false },
  ],
  'ledger-worker': [
    { who: 'an ECS task of this account', request: ecsTask(ACCOUNT), allowed: true },
    { who: 'an ECS task of another account', request: ecsTask(OTHER_ACCOUNT), allowed: false },
    { who: 'EC2', request: service('ec2.amazonaws.com', {}), allowed: false },
  ],
  'upload-processor': [
    {
      who: 'Lambda in this account',
      request: service('lambda.amazonaws.com', { 'aws:SourceAccount': ACCOUNT }),
      allowed: true,
    },
    {
      who: 'Lambda in another account',
      request: service('lambda.amazonaws.com', { 'aws:SourceAccount': OTHER_ACCOUNT }),
      allowed: false,
    },
    { who: 'an ECS task', request: ecsTask(ACCOUNT), allowed: false },
  ],
};

describe.each(Object.entries(table))('trust policy of %s', (role, cases) => {
  it.each(cases)('$who → allowed: $allowed', ({ request, allowed }) => {
    const result = evaluateTrustPolicy(trustOf(role), request);
    expect(result.allowed, result.reason).toBe(allowed);
  });
});

describe('roles CDK generates (execution, cluster, node, custom resource roles)', () => {
  const others = allResources('AWS::IAM::Role').filter(
    ({ resource }) => resource.Properties?.RoleName === undefined,
  );

  it('exist, and each trusts AWS service principals only', () => {
    expect(others.length).toBeGreaterThan(0);
    for (const { id, resource } of others) {
      const trust = deployedDocument(resource.Properties.AssumeRolePolicyDocument);
      for (const statement of trust.Statement) {
        expect(Object.keys(statement.Principal ?? {}), id).toEqual(['Service']);
      }
    }
  });
});
