// The decision of "Policy evaluation logic" (IAM User Guide) for one kind of policy at a time:
// an explicit Deny in any statement wins, otherwise any Allow allows, otherwise the request is
// implicitly denied. Combining policy types (SCPs, boundaries, session policies, cross-account)
// is out of scope: the local identity plane needs a role's trust policy and its own policies.
import { quote } from './condition-operators.ts';
import { normalizeContext } from './evaluate-conditions.ts';
import { checkIdentityStatement, checkTrustStatement, type StatementCheck } from './match-statement.ts';
import { validatePolicy } from './validate-policy.ts';
import type { EvaluationResult, IdentityRequest, PolicyDocument, Statement, TrustRequest } from './types.ts';

interface CheckedStatement {
  effect: Statement['Effect'];
  statement: string;
  policy?: string;
  check: StatementCheck;
}

/** May the principal perform `action` (sts:AssumeRole...) on the role this trust policy belongs to? */
export function evaluateTrustPolicy(policy: PolicyDocument, request: TrustRequest): EvaluationResult {
  validatePolicy(policy, 'trust');
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
  const named = Array.isArray(policies)
    ? policies.map((policy, index) => [`#${index}`, policy] as const)
    : Object.entries(policies);
  const context = normalizeContext(request.context);
  const checked = named.flatMap(([policyName, policy]) => {
    validatePolicy(policy, 'identity', policyName);
    return policy.Statement.map((statement, index) => ({
      effect: statement.Effect,
      statement: statementLabel(statement, index),
      policy: policyName,
      check: checkIdentityStatement(statement, request.action, request.resource, context),
    }));
  });
  return decide(
    checked,
    `${request.action} on ${quote(request.resource)}`,
    'no identity policy has an Allow statement',
  );
}

type Unmatched = CheckedStatement & { check: Extract<StatementCheck, { matched: false }> };

function decide(statements: readonly CheckedStatement[], what: string, noAllow: string): EvaluationResult {
  const deny = statements.find((s) => s.effect === 'Deny' && s.check.matched);
  if (deny) {
    return {
      allowed: false,
      decision: 'explicit-deny',
      ...located(deny),
      reason: `${what} is explicitly denied by ${where(deny)} (an explicit Deny overrides any Allow)`,
    };
  }
  const allow = statements.find((s) => s.effect === 'Allow' && s.check.matched);
  if (allow)
    return { allowed: true, decision: 'allow', ...located(allow), reason: `allowed by ${where(allow)}` };

  const [closest, ...tied] = closestAllows(statements);
  if (!closest) {
    return { allowed: false, decision: 'implicit-deny', reason: `nothing allows ${what}: ${noAllow}` };
  }
  const reason =
    tied.length === 0
      ? `${closest.check.failures.join('; ')} (in ${where(closest)}, the closest to allowing ${what})`
      : `no statement allows ${what}: ${[closest, ...tied]
          .map((s) => `${where(s)}: ${s.check.failures.join(' and ')}`)
          .join('; ')}`;
  return { allowed: false, decision: 'implicit-deny', ...located(closest), reason };
}

/**
 * The Allow statements whose checks got furthest before one failed. Several when they tie, so
 * that e.g. a principal no statement trusts is told every principal the policy does trust.
 */
function closestAllows(statements: readonly CheckedStatement[]): Unmatched[] {
  let best: Unmatched[] = [];
  for (const { check, ...rest } of statements) {
    if (rest.effect !== 'Allow' || check.matched) continue;
    const stage = best[0]?.check.stage ?? -1;
    if (check.stage > stage) best = [{ ...rest, check }];
    else if (check.stage === stage) best.push({ ...rest, check });
  }
  return best;
}

function statementLabel(statement: Statement, index: number): string {
  return statement.Sid ? statement.Sid : `#${index}`;
}

function located({ statement, policy }: CheckedStatement): Pick<EvaluationResult, 'statement' | 'policy'> {
  return policy === undefined ? { statement } : { statement, policy };
}

function where({ statement, policy }: CheckedStatement): string {
  const label = statement.startsWith('#') ? `statement ${statement}` : `statement ${quote(statement)}`;
  return policy === undefined
    ? label
    : `${label} of policy ${policy.startsWith('#') ? policy : quote(policy)}`;
}
