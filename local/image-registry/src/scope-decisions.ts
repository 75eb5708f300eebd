// What a registry scope (`repository:keyless/api:push,pull`) means in IAM, and the decision: every
// ECR action behind every requested action, evaluated as AWS evaluates a request within one
// account — the role's identity policies (read from IAM, where the gate reads them) together
// with the repository's policy (the IAM model's, which the CDK app deploys): an explicit Deny in
// either refuses, an Allow in either admits. The first refusal is the answer, in AWS's words.
import { ECR_PULL_ACTIONS, ECR_PUSH_ACTIONS } from '@keyless/iam-model';
import { describeDenial, evaluateRequest, type PolicyDocument } from '@keyless/iam-policy';
import type { RolePolicies } from '@keyless/permission-gate';
import type { LoginIdentity } from './login-password.ts';

/** The registry's scope actions, each as the ECR actions that must all be allowed. */
export const SCOPE_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  pull: ECR_PULL_ACTIONS,
  push: ECR_PUSH_ACTIONS,
};

export interface RequestedScope {
  repository: string;
  actions: string[];
}

/** Parses `repository:<name>:<action>[,<action>]`; anything else (`registry:catalog:*`) is undefined. */
export function parseScope(scope: string): RequestedScope | undefined {
  const match = /^repository:([a-z0-9]+(?:[._/-][a-z0-9]+)*):([a-z*,]+)$/.exec(scope);
  if (!match?.[1] || !match[2]) return undefined;
  return { repository: match[1], actions: [...new Set(match[2].split(','))] };
}

export interface EcrDecision {
  action: string;
  resource: string;
  allowed: boolean;
  /** AWS's message for a refusal. */
  message?: string;
}

export interface DecideScopeInput {
  identity: LoginIdentity;
  policies: RolePolicies;
  scope: RequestedScope;
  repositoryArn: string;
  repositoryPolicy?: PolicyDocument;
  sourceIp: string;
  now: Date;
}

/** One decision per ECR action behind the scope, in order; an unknown scope action is refused. */
export function decideScope(input: DecideScopeInput): EcrDecision[] {
  const { identity, policies, scope, repositoryArn, repositoryPolicy, sourceIp, now } = input;
  const decisions: EcrDecision[] = [];
  for (const scopeAction of scope.actions) {
    const ecrActions = SCOPE_ACTIONS[scopeAction];
    if (!ecrActions) {
      decisions.push({
        action: `registry:${scopeAction}`,
        resource: repositoryArn,
        allowed: false,
        message: `The local registry grants only pull and push; '${scopeAction}' is not mapped to ECR actions`,
      });
      continue;
    }
    for (const action of ecrActions) {
      const result = evaluateRequest({
        principal: { arn: identity.sessionArn, accountId: identity.accountId, roleArn: identity.roleArn },
        action,
        resource: repositoryArn,
        context: {
          'aws:PrincipalArn': identity.roleArn,
          'aws:PrincipalAccount': identity.accountId,
          'aws:SecureTransport': 'true',
          'aws:SourceIp': sourceIp,
          'aws:CurrentTime': now.toISOString(),
        },
        identityPolicies: policies.identity,
        ...(policies.permissionsBoundary && { permissionsBoundary: policies.permissionsBoundary }),
        ...(repositoryPolicy && { resourcePolicy: withImplicitResource(repositoryPolicy, repositoryArn) }),
      });
      decisions.push({
        action,
        resource: repositoryArn,
        allowed: result.allowed,
        ...(!result.allowed && {
          message: describeDenial(result, {
            principalArn: identity.sessionArn,
            action,
            resource: repositoryArn,
          }),
        }),
      });
    }
  }
  return decisions;
}

/**
 * An ECR repository policy names no Resource (ECR refuses one): it is about its repository. For
 * the evaluation, which needs a Resource in every statement, the repository is written in.
 */
function withImplicitResource(policy: PolicyDocument, repositoryArn: string): PolicyDocument {
  return {
    ...policy,
    Statement: policy.Statement.map((statement) =>
      'Resource' in statement || 'NotResource' in statement
        ? statement
        : { ...statement, Resource: repositoryArn },
    ),
  };
}
