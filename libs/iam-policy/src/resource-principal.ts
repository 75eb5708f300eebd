// Whether a resource-based policy statement names the caller, and how directly. Within one
// account the answer changes what an Allow is worth ("Policy evaluation logic", IAM User Guide,
// "Resource-based policies and implicit denies in other policy types (same account)", and
// "AWS JSON policy elements: Principal"):
//   - the session ARN (or the IAM user ARN) itself, or everyone (`*`): the Allow is granted
//     directly, and no implicit deny in identity-based policies, boundary or session policies
//     limits it ("All principals": "For IAM users and role principals within your account, no
//     other permissions are required");
//   - the role ARN: the Allow stands without an identity-based Allow, but it "is limited by an
//     implicit deny in a permissions boundary or session policy";
//   - the account (`111122223333` or `arn:aws:iam::111122223333:root`): "This delegates authority
//     to the account", so the caller still needs its identity-based policies to allow.
// A Deny applies whichever of the three names the caller.
import { quote } from './condition-operators.ts';
import { conditionFailures, type NormalizedContext } from './evaluate-conditions.ts';
import {
  actionFailure,
  asArray,
  resourceFailure,
  runChecks,
  type StatementCheck,
} from './match-statement.ts';
import type { CallerPrincipal, Principal, Statement } from './types.ts';

export type PrincipalReach = 'direct' | 'role' | 'account';

export interface Caller {
  arn: string;
  account: string;
  role?: string;
}

const ASSUMED_ROLE = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;
const ACCOUNT_ID = /^\d{12}$/;
const ACCOUNT_ROOT = /^arn:[^:]+:iam::(\d{12}):root$/;

export function callerOf(principal: CallerPrincipal): Caller {
  const derived = ASSUMED_ROLE.exec(principal.arn);
  const role =
    principal.roleArn ?? (derived ? `arn:${derived[1]}:iam::${derived[2]}:role/${derived[3]}` : undefined);
  return role === undefined
    ? { arn: principal.arn, account: principal.accountId }
    : { arn: principal.arn, account: principal.accountId, role };
}

function accountOf(entry: string): string | undefined {
  return ACCOUNT_ID.test(entry) ? entry : ACCOUNT_ROOT.exec(entry)?.[1];
}

const everyone = (principal: Principal) => principal === '*' || asArray(principal.AWS).includes('*');

/** The most direct way `principal` names the caller, if it does. */
function reachOf(principal: Principal, caller: Caller): PrincipalReach | undefined {
  if (everyone(principal)) return 'direct';
  const entries = principal === '*' ? [] : asArray(principal.AWS);
  if (entries.includes(caller.arn)) return 'direct';
  if (caller.role !== undefined && entries.includes(caller.role)) return 'role';
  if (entries.some((entry) => accountOf(entry) === caller.account)) return 'account';
  return undefined;
}

/**
 * NotPrincipal lists exceptions. AWS "might validate the account first, then the role, and
 * then the assumed-role user" ("AWS JSON policy elements: NotPrincipal"), so a Deny spares the
 * caller only when every one of those is listed; an Allow (which that page advises against)
 * leaves the caller out as soon as any of them is.
 */
function excludedBy(notPrincipal: Principal, caller: Caller, effect: Statement['Effect']): boolean {
  if (everyone(notPrincipal)) return true;
  const entries = notPrincipal === '*' ? [] : asArray(notPrincipal.AWS);
  const listed = [
    entries.includes(caller.arn),
    ...(caller.role === undefined ? [] : [entries.includes(caller.role)]),
    entries.some((entry) => accountOf(entry) === caller.account),
  ];
  return effect === 'Deny' ? listed.every(Boolean) : listed.some(Boolean);
}

export function describeCaller(caller: Caller): string {
  const role = caller.role === undefined ? '' : ` (role ${quote(caller.role)})`;
  return `${quote(caller.arn)}${role} of account ${caller.account}`;
}

function describePrincipal(principal: Principal): string {
  if (principal === '*') return "'*'";
  return Object.entries(principal)
    .map(
      ([type, ids]) =>
        `${type} ${asArray(ids as string | string[])
          .map(quote)
          .join(' or ')}`,
    )
    .join(' and ');
}

export interface ResourceStatementCheck {
  check: StatementCheck;
  reach?: PrincipalReach;
}

export function checkResourceStatement(
  statement: Statement,
  caller: Caller,
  action: string,
  resource: string,
  context: NormalizedContext,
): ResourceStatementCheck {
  let reach: PrincipalReach | undefined;
  const principalFailure = (): string | undefined => {
    if (statement.NotPrincipal !== undefined) {
      if (excludedBy(statement.NotPrincipal, caller, statement.Effect)) {
        return `caller ${describeCaller(caller)} is excluded by NotPrincipal ${describePrincipal(statement.NotPrincipal)}`;
      }
      reach = 'direct';
      return undefined;
    }
    const principal = statement.Principal ?? {};
    reach = reachOf(principal, caller);
    return reach === undefined
      ? `caller ${describeCaller(caller)} is not named by the statement's Principal ${describePrincipal(principal)}`
      : undefined;
  };
  const check = runChecks([
    principalFailure,
    () => actionFailure(statement, action),
    () => resourceFailure(statement, resource, context),
    () => conditionFailures(statement.Condition, context),
  ]);
  return check.matched && reach !== undefined ? { check, reach } : { check };
}
