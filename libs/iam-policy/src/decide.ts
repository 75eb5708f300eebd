// The decision within one kind of policy ("Policy evaluation logic", IAM User Guide): an
// explicit Deny in any statement wins, otherwise any Allow allows, otherwise an implicit deny
// explained by the Allow statement that came closest.
import { quote } from './condition-operators.ts';
import type { StatementCheck } from './match-statement.ts';
import type { EvaluationResult, Statement } from './types.ts';

export interface CheckedStatement {
  effect: Statement['Effect'];
  statement: string;
  /** The policy's name (`#<index>` in an array), when the kind holds several policies. */
  policy?: string;
  /** The kind of policy in reasons ("session policy", "resource-based policy"); plain "policy" when absent. */
  source?: string;
  check: StatementCheck;
}

type Unmatched = CheckedStatement & { check: Extract<StatementCheck, { matched: false }> };

export function decide(
  statements: readonly CheckedStatement[],
  what: string,
  noAllow: string,
): EvaluationResult {
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

export function statementLabel(statement: Statement, index: number): string {
  return statement.Sid ? statement.Sid : `#${index}`;
}

export function located({
  statement,
  policy,
}: CheckedStatement): Pick<EvaluationResult, 'statement' | 'policy'> {
  return policy === undefined ? { statement } : { statement, policy };
}

export function where({ statement, policy, source }: CheckedStatement): string {
  const label = statement.startsWith('#') ? `statement ${statement}` : `statement ${quote(statement)}`;
  if (policy === undefined) return source === undefined ? label : `${label} of the ${source}`;
  return `${label} of ${source ?? 'policy'} ${policy.startsWith('#') ? policy : quote(policy)}`;
}
