// The decision of "Policy evaluation logic" (IAM User Guide) for one kind of policy at a time:
// an explicit Deny in any statement wins, otherwise any Allow allows, otherwise the request is
// implicitly denied. Combining the policy types of one account is evaluate-request.ts.
import { quote } from './condition-operators.ts';
import { normalizeContext, type NormalizedContext } from './evaluate-conditions.ts';
import { decide, statementLabel, type CheckedStatement } from './decide.ts';
import { checkIdentityStatement, checkTrustStatement } from './match-statement.ts';
import { validatePolicy } from './validate-policy.ts';
import type { EvaluationResult, IdentityRequest, PolicyDocument, TrustRequest } from './types.ts';

/** May the principal perform `action` (sts:AssumeRole...) on the role this trust policy belongs to? */
export function evaluateTrustPolicy(policy: PolicyDocument, request: TrustRequest): EvaluationResult {
  validatePolicy(policy, 'trust', undefined, { policyVariables: true });
  const context = normalizeContext(request.context);
  const checked = policy.Statement.map((statement, index) => ({
    effect: statement.Effect,
    statement: statementLabel(statement, index),
    check: checkTrustStatement(statement, request.principal, request.action, context),
  }));
  const { type, id } = request.principal;
  return decide(
    checked,
    `${type} ${quote(id)} to ${request.action}`,
    'the trust policy has no Allow statement',
  );
}

/**
 * May a principal holding these identity policies perform `action` on `resource`? Pass a record
 * (policy name → document) to have the deciding policy named in the result.
 */
export function evaluateIdentityPolicies(
  policies: readonly PolicyDocument[] | Readonly<Record<string, PolicyDocument>>,
  request: IdentityRequest,
): EvaluationResult {
  const checked = checkIdentityPolicies(policies, request, normalizeContext(request.context));
  return decide(
    checked,
    `${request.action} on ${quote(request.resource)}`,
    'no identity policy has an Allow statement',
  );
}

/** Every statement of a set of identity-style policies (identity, session, boundary), checked. */
export function checkIdentityPolicies(
  policies: readonly PolicyDocument[] | Readonly<Record<string, PolicyDocument>>,
  request: Pick<IdentityRequest, 'action' | 'resource'>,
  context: NormalizedContext,
  source?: string,
): CheckedStatement[] {
  const named = Array.isArray(policies)
    ? policies.map((policy, index) => [`#${index}`, policy] as const)
    : Object.entries(policies);
  return named.flatMap(([policyName, policy]) => {
    validatePolicy(policy, 'identity', policyName, { policyVariables: true });
    return policy.Statement.map((statement, index) => ({
      effect: statement.Effect,
      statement: statementLabel(statement, index),
      policy: policyName,
      ...(source === undefined ? {} : { source }),
      check: checkIdentityStatement(statement, request.action, request.resource, context),
    }));
  });
}
