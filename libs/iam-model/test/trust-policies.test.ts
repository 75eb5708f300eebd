// Each role's trust policy, evaluated with @keyless/iam-policy: the caller it is meant for gets
// in, and each near miss (wrong account, service account, audience, subject format) is refused
// with a reason naming the check that failed.
import { evaluateTrustPolicy, type TrustRequest } from '@keyless/iam-policy';
import { describe, expect, it } from 'vitest';
import { oidcProviderArn, podIdentitySessionTags, type RoleName } from '../src/index.ts';
import { ACCOUNT, EKS_ISSUER, GITHUB_ISSUER, OTHER_ACCOUNT, params, role } from './model-fixture.ts';

const TASK_ARN = `arn:aws:ecs:eu-west-1:${ACCOUNT}:task/keyless/0123456789abcdef`;

const ecsTask = (account = ACCOUNT, sourceArn = TASK_ARN): TrustRequest => ({
  principal: { type: 'Service', id: 'ecs-tasks.amazonaws.com' },
  action: 'sts:AssumeRole',
  context: { 'aws:SourceAccount': account, 'aws:SourceArn': sourceArn },
});

const lambda = (account = ACCOUNT): TrustRequest => ({
  principal: { type: 'Service', id: 'lambda.amazonaws.com' },
  action: 'sts:AssumeRole',
  context: { 'aws:SourceAccount': account },
});

/** What STS puts in the request context for a web identity token: `<issuer>:<claim>` keys. */
const token = (issuer: string, claims: { sub: string; aud: string }): TrustRequest => ({
  principal: { type: 'Federated', id: oidcProviderArn(params, issuer) },
  action: 'sts:AssumeRoleWithWebIdentity',
  context: { [`${issuer}:sub`]: claims.sub, [`${issuer}:aud`]: claims.aud },
});

const serviceAccountToken = (sub: string, aud = 'sts.amazonaws.com') => token(EKS_ISSUER, { sub, aud });
const githubToken = (sub: string, aud = 'sts.amazonaws.com') => token(GITHUB_ISSUER, { sub, aud });

const podIdentity = (
  action: 'sts:AssumeRole' | 'sts:TagSession',
  tags: Record<string, string> = { ...podIdentitySessionTags(params) },
): TrustRequest => ({
  principal: { type: 'Service', id: 'pods.eks.amazonaws.com' },
  action,
  context: Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
});

interface Row {
  role: RoleName;
  caller: string;
  request: TrustRequest;
  /** undefined: allowed; otherwise a fragment of the deny reason. */
  deniedBecause?: string;
}

const SA = 'system:serviceaccount:keyless:usage-reporter';

// prettier-ignore
const rows: Row[] = [
  { role: 'api', caller: 'an ECS task of this account', request: ecsTask() },
  { role: 'api', caller: 'ECS acting for another account (confused deputy)', request: ecsTask(OTHER_ACCOUNT), deniedBecause: `'aws:SourceAccount' expected '${ACCOUNT}', got '${OTHER_ACCOUNT}'` },
  { role: 'api', caller: 'an ECS task in another region', request: ecsTask(ACCOUNT, `arn:aws:ecs:us-east-1:${ACCOUNT}:task/keyless/1`), deniedBecause: "ArnLike on 'aws:SourceArn'" },
  { role: 'api', caller: 'ECS without source context', request: { ...ecsTask(), context: {} }, deniedBecause: "'aws:SourceAccount' expected '111122223333', but the key is absent" },
  { role: 'api', caller: 'Lambda', request: lambda(), deniedBecause: "principal Service 'lambda.amazonaws.com' not trusted" },
  { role: 'ledger-worker', caller: 'an ECS task of this account', request: ecsTask() },
  { role: 'ledger-worker', caller: 'ECS acting for another account', request: ecsTask(OTHER_ACCOUNT), deniedBecause: "'aws:SourceAccount'" },
  { role: 'upload-processor', caller: 'Lambda for this account', request: lambda() },
  { role: 'upload-processor', caller: 'Lambda for another account', request: lambda(OTHER_ACCOUNT), deniedBecause: `expected '${ACCOUNT}', got '${OTHER_ACCOUNT}'` },
  { role: 'upload-processor', caller: 'an ECS task', request: ecsTask(), deniedBecause: "principal Service 'ecs-tasks.amazonaws.com' not trusted" },
  { role: 'usage-reporter', caller: 'IRSA: the keyless/usage-reporter service account', request: serviceAccountToken(SA) },
  { role: 'usage-reporter', caller: 'IRSA: another service account', request: serviceAccountToken('system:serviceaccount:keyless:other'), deniedBecause: `expected '${SA}', got 'system:serviceaccount:keyless:other'` },
  { role: 'usage-reporter', caller: 'IRSA: the same name in another namespace', request: serviceAccountToken('system:serviceaccount:default:usage-reporter'), deniedBecause: "got 'system:serviceaccount:default:usage-reporter'" },
  { role: 'usage-reporter', caller: 'IRSA: a token for another audience', request: serviceAccountToken(SA, 'https://kubernetes.default.svc'), deniedBecause: `'${EKS_ISSUER}:aud' expected 'sts.amazonaws.com', got 'https://kubernetes.default.svc'` },
  { role: 'usage-reporter', caller: 'a GitHub token', request: githubToken(SA), deniedBecause: `principal Federated '${oidcProviderArn(params, GITHUB_ISSUER)}' not trusted` },
  { role: 'usage-reporter', caller: 'Pod Identity: AssumeRole with the right tags', request: podIdentity('sts:AssumeRole') },
  { role: 'usage-reporter', caller: 'Pod Identity: TagSession with the right tags', request: podIdentity('sts:TagSession') },
  { role: 'usage-reporter', caller: 'Pod Identity: another namespace', request: podIdentity('sts:AssumeRole', { ...podIdentitySessionTags(params), 'kubernetes-namespace': 'default' }), deniedBecause: "'aws:RequestTag/kubernetes-namespace' expected 'keyless', got 'default'" },
  { role: 'usage-reporter', caller: 'Pod Identity: another service account', request: podIdentity('sts:AssumeRole', { ...podIdentitySessionTags(params), 'kubernetes-service-account': 'default' }), deniedBecause: "'aws:RequestTag/kubernetes-service-account' expected 'usage-reporter', got 'default'" },
  { role: 'usage-reporter', caller: 'Pod Identity: a same-named cluster in another account', request: podIdentity('sts:AssumeRole', { ...podIdentitySessionTags(params), 'eks-cluster-arn': `arn:aws:eks:eu-west-1:${OTHER_ACCOUNT}:cluster/keyless` }), deniedBecause: "'aws:RequestTag/eks-cluster-arn'" },
  { role: 'usage-reporter', caller: 'Pod Identity: session tags disabled', request: podIdentity('sts:AssumeRole', {}), deniedBecause: "'aws:RequestTag/kubernetes-namespace' expected 'keyless', but the key is absent" },
  { role: 'deploy', caller: 'a job in the production environment', request: githubToken('repo:o/r:environment:production') },
  { role: 'deploy', caller: 'a pull request job', request: githubToken('repo:o/r:pull_request'), deniedBecause: "expected 'repo:o/r:environment:production', got 'repo:o/r:pull_request'" },
  { role: 'deploy', caller: 'another repository', request: githubToken('repo:other/r:environment:production'), deniedBecause: "got 'repo:other/r:environment:production'" },
  { role: 'deploy', caller: 'a branch job outside the environment', request: githubToken('repo:o/r:ref:refs/heads/feature'), deniedBecause: "got 'repo:o/r:ref:refs/heads/feature'" },
  { role: 'deploy', caller: 'an immutable-ID subject (not opted in)', request: githubToken('repo:o@123/r@456:environment:production'), deniedBecause: "got 'repo:o@123/r@456:environment:production'" },
  { role: 'deploy', caller: 'another environment', request: githubToken('repo:o/r:environment:staging'), deniedBecause: "got 'repo:o/r:environment:staging'" },
  { role: 'deploy', caller: 'an environment named in another case', request: githubToken('repo:o/r:environment:Production'), deniedBecause: "got 'repo:o/r:environment:Production'" },
  { role: 'deploy', caller: "GitHub's default audience", request: githubToken('repo:o/r:environment:production', 'https://github.com/o'), deniedBecause: `'${GITHUB_ISSUER}:aud' expected 'sts.amazonaws.com', got 'https://github.com/o'` },
  { role: 'deploy', caller: 'an EKS service account token', request: serviceAccountToken('repo:o/r:environment:production'), deniedBecause: 'not trusted' },
  { role: 'diff', caller: 'a pull request job', request: githubToken('repo:o/r:pull_request') },
  { role: 'diff', caller: 'a production job', request: githubToken('repo:o/r:environment:production'), deniedBecause: "expected 'repo:o/r:pull_request', got 'repo:o/r:environment:production'" },
  { role: 'diff', caller: 'a push to main', request: githubToken('repo:o/r:ref:refs/heads/main'), deniedBecause: "got 'repo:o/r:ref:refs/heads/main'" },
  { role: 'diff', caller: 'a wrong audience', request: githubToken('repo:o/r:pull_request', 'sts.amazonaws.com.evil'), deniedBecause: ':aud' },
];

describe('trust policies', () => {
  it.each(rows)('$role: $caller', ({ role: name, request, deniedBecause }) => {
    const result = evaluateTrustPolicy(role(name).assumeRolePolicy, request);
    if (deniedBecause === undefined) {
      expect(result, result.reason).toMatchObject({ allowed: true, decision: 'allow' });
    } else {
      expect(result).toMatchObject({ allowed: false, decision: 'implicit-deny' });
      expect(result.reason).toContain(deniedBecause);
    }
  });

  it('gives the learner the exact check that failed', () => {
    const result = evaluateTrustPolicy(role('deploy').assumeRolePolicy, githubToken('repo:o/r:pull_request'));
    expect(result).toEqual({
      allowed: false,
      decision: 'implicit-deny',
      statement: 'GitHubProductionEnvironment',
      reason:
        `condition StringEquals on '${GITHUB_ISSUER}:sub' expected 'repo:o/r:environment:production', got 'repo:o/r:pull_request' ` +
        `(in statement 'GitHubProductionEnvironment', the closest to allowing Federated '${oidcProviderArn(params, GITHUB_ISSUER)}' ` +
        'to sts:AssumeRoleWithWebIdentity)',
    });
  });

  it('with immutable GitHub IDs opted in, trusts only the immutable-ID subjects', () => {
    const immutable = { github: { owner: 'o', repo: 'r', immutableIds: { ownerId: '123', repoId: '456' } } };
    const deploy = role('deploy', immutable).assumeRolePolicy;
    const diff = role('diff', immutable).assumeRolePolicy;
    expect(evaluateTrustPolicy(deploy, githubToken('repo:o@123/r@456:environment:production')).allowed).toBe(
      true,
    );
    expect(evaluateTrustPolicy(deploy, githubToken('repo:o/r:environment:production')).allowed).toBe(false);
    expect(evaluateTrustPolicy(deploy, githubToken('repo:o@999/r@456:environment:production')).allowed).toBe(
      false,
    );
    expect(evaluateTrustPolicy(diff, githubToken('repo:o@123/r@456:pull_request')).allowed).toBe(true);
    expect(evaluateTrustPolicy(diff, githubToken('repo:o/r:pull_request')).allowed).toBe(false);
  });

  it('works with a local issuer that has a port', () => {
    const local = '127.0.0.1:4566/eks';
    const policy = role('usage-reporter', { eksOidcIssuer: local }).assumeRolePolicy;
    expect(evaluateTrustPolicy(policy, token(local, { sub: SA, aud: 'sts.amazonaws.com' })).allowed).toBe(
      true,
    );
    expect(
      evaluateTrustPolicy(policy, token(local, { sub: `${SA}x`, aud: 'sts.amazonaws.com' })).allowed,
    ).toBe(false);
  });
});
