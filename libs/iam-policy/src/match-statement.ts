// Whether one statement applies to a request, checked element by element in a fixed order so
// that a non-matching statement reports how far it got: the furthest one is the "closest" and its
// failed check is what a learner sees when a request is denied.
import { quote } from './condition-operators.ts';
import { conditionFailures, type NormalizedContext } from './evaluate-conditions.ts';
import { describeMissing, substituteVariables } from './policy-variables.ts';
import { matchArnGlob, matchWildcard } from './wildcard-match.ts';
import type { OneOrMany, Principal, PrincipalType, Statement } from './types.ts';

export type StatementCheck = { matched: true } | { matched: false; stage: number; failures: string[] };

export interface RequestPrincipal {
  type: PrincipalType;
  id: string;
}

export function asArray<T>(value: OneOrMany<T> | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

const listOf = (values: readonly string[]) => values.map(quote).join(' or ');

export function checkTrustStatement(
  statement: Statement,
  principal: RequestPrincipal,
  action: string,
  context: NormalizedContext,
): StatementCheck {
  return runChecks([
    () => principalFailure(statement, principal),
    () => actionFailure(statement, action),
    () => conditionFailures(statement.Condition, context),
  ]);
}

export function checkIdentityStatement(
  statement: Statement,
  action: string,
  resource: string,
  context: NormalizedContext,
): StatementCheck {
  return runChecks([
    () => actionFailure(statement, action),
    () => resourceFailure(statement, resource, context),
    () => conditionFailures(statement.Condition, context),
  ]);
}

export function runChecks(stages: ReadonlyArray<() => string | string[] | undefined>): StatementCheck {
  for (const [stage, check] of stages.entries()) {
    const result = check();
    const failures = result === undefined ? [] : asArray(result);
    if (failures.length > 0) return { matched: false, stage, failures };
  }
  return { matched: true };
}

function principalFailure(statement: Statement, principal: RequestPrincipal): string | undefined {
  const who = `principal ${principal.type} ${quote(principal.id)}`;
  if (statement.NotPrincipal !== undefined) {
    return principalMatches(statement.NotPrincipal, principal)
      ? `${who} is excluded by NotPrincipal`
      : undefined;
  }
  if (statement.Principal === undefined || principalMatches(statement.Principal, principal)) return undefined;
  return `${who} not trusted (the statement trusts ${describePrincipal(statement.Principal)})`;
}

function principalMatches(policyPrincipal: Principal, principal: RequestPrincipal): boolean {
  // "Principal": "*" and {"AWS": "*"} both mean everyone (IAM User Guide, "AWS JSON policy
  // elements: Principal", "All principals").
  if (policyPrincipal === '*' || asArray(policyPrincipal.AWS).includes('*')) return true;
  return asArray(policyPrincipal[principal.type]).some((entry) =>
    principal.type === 'AWS' ? awsPrincipalMatches(entry, principal.id) : entry === principal.id,
  );
}

const ACCOUNT_ID = /^\d{12}$/;
const ACCOUNT_ROOT = /^arn:[^:]+:iam::(\d{12}):root$/;

/** An account ID or `arn:...:root` in a Principal means every principal of that account. */
function awsPrincipalMatches(entry: string, id: string): boolean {
  if (entry === id) return true;
  const entryAccount = ACCOUNT_ID.test(entry) ? entry : ACCOUNT_ROOT.exec(entry)?.[1];
  return entryAccount !== undefined && accountOf(id) === entryAccount;
}

function accountOf(id: string): string | undefined {
  return ACCOUNT_ID.test(id) ? id : id.split(':')[4];
}

function describePrincipal(principal: Principal): string {
  if (principal === '*') return 'everyone';
  return (Object.entries(principal) as [PrincipalType, OneOrMany<string>][])
    .map(([type, ids]) => `${type} ${listOf(asArray(ids))}`)
    .join(' and ');
}

export function actionFailure(statement: Statement, action: string): string | undefined {
  // Action names are case-insensitive (IAM User Guide, "IAM JSON policy elements: Action").
  const matches = (patterns: string[]) => patterns.some((pattern) => matchWildcard(pattern, action, true));
  if (statement.NotAction !== undefined) {
    const excluded = asArray(statement.NotAction);
    return matches(excluded)
      ? `action ${quote(action)} is excluded by NotAction ${listOf(excluded)}`
      : undefined;
  }
  const allowed = asArray(statement.Action);
  return matches(allowed)
    ? undefined
    : `action ${quote(action)} not in the statement's Action ${listOf(allowed)}`;
}

/**
 * A Resource (or NotResource) entry whose policy variable has no request value matches no
 * resource ("IAM policy elements: Variables and tags"), so under NotResource it excludes nothing.
 */
export function resourceFailure(
  statement: Statement,
  resource: string,
  context: NormalizedContext,
): string | undefined {
  const notes: string[] = [];
  const matches = (patterns: string[]) =>
    patterns.some((pattern) => {
      const substitution = substituteVariables(pattern, context);
      if (substitution.glob === undefined) notes.push(describeMissing(substitution));
      return substitution.glob !== undefined && matchArnGlob(substitution.glob, resource);
    });
  const note = () => notes.map((n) => ` (${n})`).join('');
  if (statement.NotResource !== undefined) {
    const excluded = asArray(statement.NotResource);
    return matches(excluded)
      ? `resource ${quote(resource)} is excluded by NotResource ${listOf(excluded)}`
      : undefined;
  }
  const covered = asArray(statement.Resource);
  return matches(covered)
    ? undefined
    : `resource ${quote(resource)} not in the statement's Resource ${listOf(covered)}${note()}`;
}
