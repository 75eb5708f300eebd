// One request within one account, decided across every policy type that applies to it, as the
// IAM User Guide's "Policy evaluation logic" (and its "How AWS enforcement code logic evaluates
// requests to allow or deny access") describes, SCPs and RCPs aside:
//   1. an explicit Deny in any policy (resource-based, identity-based, permissions boundary,
//      session) is the final decision;
//   2. an Allow in the resource-based policy that names the session (or everyone) directly is
//      enough; one that names the role still has to pass the boundary and the session policies;
//      one that names the account delegates to the identity-based policies (resource-principal.ts);
//   3. otherwise an identity-based Allow is needed, then the permissions boundary must allow
//      (their intersection, "Evaluating identity-based policies with permissions boundaries"),
//      then the session policies must (their intersection with the identity-based policies,
//      "Session policies" in "Policies and permissions in IAM").
// Cross-account requests are out of scope: there both accounts must allow.
import { quote } from './condition-operators.ts';
import { decide, located, statementLabel, where, type CheckedStatement } from './decide.ts';
import { normalizeContext, type NormalizedContext } from './evaluate-conditions.ts';
import { checkIdentityPolicies } from './evaluate-policies.ts';
import { checkIdentityStatement } from './match-statement.ts';
import { callerOf, checkResourceStatement, type Caller, type PrincipalReach } from './resource-principal.ts';
import { validatePolicy } from './validate-policy.ts';
import type {
  AccessRequest,
  EvaluationResult,
  PolicyDocument,
  PolicyType,
  RequestContext,
  RequestEvaluationResult,
} from './types.ts';

interface ResourceStatement extends CheckedStatement {
  reach?: PrincipalReach;
}

const SOURCE: Readonly<Record<PolicyType, string>> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  session: 'session policy',
  boundary: 'permissions boundary',
};

export function evaluateRequest(request: AccessRequest): RequestEvaluationResult {
  const caller = callerOf(request.principal);
  const context = normalizeContext(withPrincipalKeys(request.context, caller));
  const what = `${request.action} on ${quote(request.resource)}`;

  const identity = checkIdentityPolicies(request.identityPolicies, request, context, SOURCE.identity);
  const sessionPolicies = request.sessionPolicies;
  const session =
    sessionPolicies !== undefined && Object.keys(sessionPolicies).length > 0
      ? checkIdentityPolicies(sessionPolicies, request, context, SOURCE.session)
      : undefined;
  const boundary =
    request.permissionsBoundary === undefined
      ? undefined
      : checkSingle(request.permissionsBoundary, 'boundary', (statement) =>
          checkIdentityStatement(statement, request.action, request.resource, context),
        );
  const resource =
    request.resourcePolicy === undefined
      ? undefined
      : checkResourcePolicy(request.resourcePolicy, caller, request, context);

  // The order AWS lists the policies it searches for a Deny in; which one a message names
  // when several deny is not documented ("If multiple policy types deny ... AWS includes only one").
  const groups: [PolicyType, readonly CheckedStatement[] | undefined][] = [
    ['resource', resource],
    ['identity', identity],
    ['boundary', boundary],
    ['session', session],
  ];
  for (const [policyType, statements] of groups) {
    const deny = statements?.find((s) => s.effect === 'Deny' && s.check.matched);
    if (deny) {
      return {
        allowed: false,
        decision: 'explicit-deny',
        policyType,
        ...located(deny),
        reason: `${what} is explicitly denied by ${where(deny)} (an explicit Deny in any policy overrides any Allow)`,
      };
    }
  }

  const resourceAllow = strongestAllow(resource ?? []);
  const narrowing: [PolicyType, EvaluationResult | undefined][] = [
    ['boundary', boundary && decide(boundary, what, `the ${SOURCE.boundary} has no Allow statement`)],
    ['session', session && decide(session, what, `no ${SOURCE.session} has an Allow statement`)],
  ];

  if (resourceAllow?.reach === 'direct') {
    return allowedBy('resource', resourceAllow, `allowed by ${where(resourceAllow)}, ${GRANTED_DIRECTLY}`);
  }
  if (resourceAllow?.reach === 'role') {
    const roleGrant = `${where(resourceAllow)}, which names the role ${quote(caller.role ?? '')}`;
    const narrowed = firstDenial(
      narrowing,
      what,
      `, and ${roleGrant}, grants only within the role's permissions boundary and session policies`,
    );
    return narrowed ?? allowedBy('resource', resourceAllow, `allowed by ${roleGrant}${within(narrowing)}`);
  }

  const identityResult = decide(identity, what, `no ${SOURCE.identity} has an Allow statement`);
  if (!identityResult.allowed) {
    return {
      ...identityResult,
      policyType: 'identity',
      reason: identityResult.reason + resourceNote(resource, what),
    };
  }
  const narrowed = firstDenial(
    narrowing,
    what,
    `, which narrows what the identity-based policies allow (${identityResult.reason})`,
  );
  if (narrowed) return narrowed;
  return {
    ...identityResult,
    policyType: 'identity',
    reason: `${identityResult.reason}${within(narrowing)}`,
  };
}

/**
 * The keys AWS puts in every request context for the caller ("AWS global condition context
 * keys"): aws:PrincipalArn is the role's ARN for a role session, not the session's. Keys the
 * caller passed are kept.
 */
function withPrincipalKeys(context: RequestContext = {}, caller: Caller): RequestContext {
  const given = new Set(Object.keys(context).map((key) => key.toLowerCase()));
  const derived: Record<string, string> = {
    'aws:PrincipalArn': caller.role ?? caller.arn,
    'aws:PrincipalAccount': caller.account,
  };
  const added = Object.entries(derived).filter(([key]) => !given.has(key.toLowerCase()));
  return { ...context, ...Object.fromEntries(added) };
}

function checkSingle(
  document: PolicyDocument,
  policyType: 'boundary',
  check: (statement: PolicyDocument['Statement'][number]) => CheckedStatement['check'],
): CheckedStatement[] {
  validatePolicy(document, 'identity', SOURCE[policyType], { policyVariables: true });
  return document.Statement.map((statement, index) => ({
    effect: statement.Effect,
    statement: statementLabel(statement, index),
    source: SOURCE[policyType],
    check: check(statement),
  }));
}

function checkResourcePolicy(
  document: PolicyDocument,
  caller: Caller,
  request: AccessRequest,
  context: NormalizedContext,
): ResourceStatement[] {
  validatePolicy(document, 'resource', SOURCE.resource, { policyVariables: true });
  return document.Statement.map((statement, index) => {
    const { check, reach } = checkResourceStatement(
      statement,
      caller,
      request.action,
      request.resource,
      context,
    );
    return {
      effect: statement.Effect,
      statement: statementLabel(statement, index),
      source: SOURCE.resource,
      check,
      ...(reach === undefined ? {} : { reach }),
    };
  });
}

const REACH_ORDER: readonly PrincipalReach[] = ['direct', 'role'];

/** The matching Allow that grants the most; one naming only the account grants nothing by itself. */
function strongestAllow(statements: readonly ResourceStatement[]): ResourceStatement | undefined {
  for (const reach of REACH_ORDER) {
    const allow = statements.find((s) => s.effect === 'Allow' && s.check.matched && s.reach === reach);
    if (allow) return allow;
  }
  return undefined;
}

const GRANTED_DIRECTLY =
  'which names the caller itself (its session or user ARN, or every principal), so no identity-based ' +
  'Allow is needed and no permissions boundary or session policy limits it';

function firstDenial(
  narrowing: readonly [PolicyType, EvaluationResult | undefined][],
  what: string,
  despite: string,
): RequestEvaluationResult | undefined {
  for (const [policyType, result] of narrowing) {
    if (result && !result.allowed) {
      return {
        ...result,
        policyType,
        reason: `the ${SOURCE[policyType]} does not allow ${what}${despite}: ${result.reason}`,
      };
    }
  }
  return undefined;
}

function within(narrowing: readonly [PolicyType, EvaluationResult | undefined][]): string {
  const parts = narrowing
    .filter((entry): entry is [PolicyType, EvaluationResult] => entry[1] !== undefined)
    .map(([policyType, result]) => `the ${SOURCE[policyType]} (${result.reason})`);
  return parts.length === 0 ? '' : `, within ${parts.join(' and ')}`;
}

function allowedBy(
  policyType: PolicyType,
  statement: CheckedStatement,
  reason: string,
): RequestEvaluationResult {
  return { allowed: true, decision: 'allow', policyType, ...located(statement), reason };
}

/** Why the resource-based policy did not make up for the missing identity-based Allow. */
function resourceNote(resource: readonly ResourceStatement[] | undefined, what: string): string {
  if (resource === undefined) return '';
  const delegating = resource.find((s) => s.effect === 'Allow' && s.check.matched && s.reach === 'account');
  if (delegating) {
    return `; ${where(delegating)} names only the account, which delegates to the identity-based policies`;
  }
  const result = decide(resource, what, `the ${SOURCE.resource} has no Allow statement`);
  return `; nor does the ${SOURCE.resource} allow it: ${result.reason}`;
}
