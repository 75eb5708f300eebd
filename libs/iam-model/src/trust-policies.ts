// Who may assume each role. Every statement pins the caller as tightly as the calling service
// lets us: a service principal alone would let that service act for ANY account (the
// cross-service confused deputy), a web identity provider alone would let ANY workload of
// that issuer in.
import type { PolicyDocument, Statement } from '@keyless/iam-policy';
import { oidcProviderArn, samlProviderArn } from './arns.ts';
import type { IamModelParams, RoleName } from './model-types.ts';

/** The audience AWS STS expects in web identity tokens (the provider's client ID). */
export const STS_AUDIENCE = 'sts.amazonaws.com';

/**
 * Where AWS's sign-in receives SAML assertions: the Recipient STS requires, and the value of
 * SAML:aud that every SAML trust statement pins (so an assertion made for another service
 * provider is refused by the trust policy too).
 */
export const SAML_AUDIENCE = 'https://signin.aws.amazon.com/saml';

/** The one session tag people's sessions may carry (from the IdP's PrincipalTag attribute): their team. */
export const PEOPLE_SESSION_TAG = 'team';

export const DEFAULT_OPERATOR_SUBJECT_PATTERN = '*@ops.keyless.example';

/** The Kubernetes service account the usage-reporter pod runs as. */
export const USAGE_REPORTER_SERVICE_ACCOUNT = { namespace: 'keyless', name: 'usage-reporter' } as const;

const document = (...statements: Statement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});

/** The `sub` claims GitHub puts in the tokens of the jobs that may deploy and diff. */
export function githubSubjects({ github }: Pick<IamModelParams, 'github'>): { deploy: string; diff: string } {
  const repository = github.immutableIds
    ? `${github.owner}@${github.immutableIds.ownerId}/${github.repo}@${github.immutableIds.repoId}`
    : `${github.owner}/${github.repo}`;
  return { deploy: `repo:${repository}:environment:production`, diff: `repo:${repository}:pull_request` };
}

export interface PodIdentitySessionTags {
  'eks-cluster-arn': string;
  'eks-cluster-name': string;
  'kubernetes-namespace': string;
  'kubernetes-service-account': string;
}

/**
 * The session tags EKS Pod Identity sets when it assumes a role for the usage-reporter pod
 * (besides the pod's name and UID); the Pod Identity trust statement is pinned to them.
 */
export function podIdentitySessionTags(params: IamModelParams): PodIdentitySessionTags {
  return {
    'eks-cluster-arn': `arn:${params.partition}:eks:${params.region}:${params.accountId}:cluster/${params.eksClusterName}`,
    'eks-cluster-name': params.eksClusterName,
    'kubernetes-namespace': USAGE_REPORTER_SERVICE_ACCOUNT.namespace,
    'kubernetes-service-account': USAGE_REPORTER_SERVICE_ACCOUNT.name,
  };
}

function ecsTasks(params: IamModelParams): PolicyDocument {
  return document({
    Sid: 'EcsTasksOfThisAccount',
    Effect: 'Allow',
    Principal: { Service: 'ecs-tasks.amazonaws.com' },
    Action: 'sts:AssumeRole',
    // As the ECS developer guide's task role trust policy: account plus any ECS resource of this
    // account and region. ECS does not document which task or service ARN it sends as SourceArn,
    // so a narrower pattern could break; binding the role to the task definition is done by
    // iam:PassRole when the task definition is registered.
    Condition: {
      StringEquals: { 'aws:SourceAccount': params.accountId },
      ArnLike: { 'aws:SourceArn': `arn:${params.partition}:ecs:${params.region}:${params.accountId}:*` },
    },
  });
}

function lambdaFunction(params: IamModelParams): PolicyDocument {
  return document({
    Sid: 'LambdaOfThisAccount',
    Effect: 'Allow',
    Principal: { Service: 'lambda.amazonaws.com' },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': params.accountId } },
  });
}

function webIdentity(params: IamModelParams, issuer: string, sid: string, subject: string): Statement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { Federated: oidcProviderArn(params, issuer) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${issuer}:sub`]: subject, [`${issuer}:aud`]: STS_AUDIENCE } },
  };
}

function usageReporter(params: IamModelParams): PolicyDocument {
  const { namespace, name } = USAGE_REPORTER_SERVICE_ACCOUNT;
  const tags = podIdentitySessionTags(params);
  return document(
    webIdentity(
      params,
      params.eksOidcIssuer,
      'IrsaServiceAccount',
      `system:serviceaccount:${namespace}:${name}`,
    ),
    {
      Sid: 'EksPodIdentity',
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      // Pod Identity tags the session, so it needs sts:TagSession as well.
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      // The tags are set by EKS from the pod identity association, not by the pod. The cluster
      // is pinned by ARN, not name: a name repeats across regions and accounts.
      Condition: {
        StringEquals: {
          'aws:RequestTag/kubernetes-namespace': tags['kubernetes-namespace'],
          'aws:RequestTag/kubernetes-service-account': tags['kubernetes-service-account'],
          'aws:RequestTag/eks-cluster-arn': tags['eks-cluster-arn'],
        },
      },
    },
  );
}

/**
 * People federated through the SAML provider: the assertion must be for AWS's sign-in (SAML:aud),
 * and the session may be tagged with the `team` tag only, so no other tag can reach an ABAC
 * condition. `operator` also pins the subject to the operations directory's NameIDs: offered the
 * role by a misconfigured group mapping, anyone else is still refused.
 */
function people(params: IamModelParams, role: 'developer' | 'operator'): PolicyDocument {
  const Federated = samlProviderArn(params);
  const pins: Record<string, Record<string, string | string[]>> = {
    StringEquals: { 'SAML:aud': SAML_AUDIENCE },
    ...(role === 'operator' && {
      StringLike: { 'SAML:sub': params.operatorSubjectPattern ?? DEFAULT_OPERATOR_SUBJECT_PATTERN },
    }),
  };
  return document(
    {
      Sid: 'SignInThroughIdP',
      Effect: 'Allow',
      Principal: { Federated },
      Action: 'sts:AssumeRoleWithSAML',
      Condition: pins,
    },
    {
      Sid: 'TeamSessionTag',
      Effect: 'Allow',
      Principal: { Federated },
      Action: 'sts:TagSession',
      Condition: { ...pins, 'ForAllValues:StringEquals': { 'aws:TagKeys': [PEOPLE_SESSION_TAG] } },
    },
  );
}

export function trustPolicy(params: IamModelParams, role: RoleName): PolicyDocument {
  const subjects = githubSubjects(params);
  switch (role) {
    case 'api':
    case 'ledger-worker':
      return ecsTasks(params);
    case 'upload-processor':
      return lambdaFunction(params);
    case 'usage-reporter':
      return usageReporter(params);
    case 'deploy':
      return document(
        webIdentity(params, params.githubOidcIssuer, 'GitHubProductionEnvironment', subjects.deploy),
      );
    case 'diff':
      return document(webIdentity(params, params.githubOidcIssuer, 'GitHubPullRequests', subjects.diff));
    case 'developer':
    case 'operator':
      return people(params, role);
  }
}
