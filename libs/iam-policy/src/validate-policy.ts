// Structural checks before evaluation, so a typo ("Actions", "StringEqual") or an unsupported
// feature (policy variables where IAM has none) is a clear error instead of a statement that
// silently never matches.
import { asStrings } from './evaluate-conditions.ts';
import { parseOperator, quote } from './condition-operators.ts';
import { PolicyError } from './policy-error.ts';
import { hasPolicyVariable, policyVariableProblem, withoutVariables } from './policy-variables.ts';
import { splitArn } from './wildcard-match.ts';
import type { PolicyDocument } from './types.ts';

/**
 * A role trust policy names principals and no resources; an identity policy (also a session
 * policy or a permissions boundary) the reverse; a resource-based policy (bucket, queue, secret,
 * key policy) both.
 */
export type PolicyKind = 'trust' | 'identity' | 'resource';

export interface ValidateOptions {
  /**
   * Accept policy variables where IAM does (Resource, NotResource, String and ARN condition
   * values). Off by default: a caller validating documents it deploys may want every grant fixed
   * in the text; the evaluators turn it on because they substitute from the request context.
   */
  policyVariables?: boolean;
}

const DOCUMENT_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated']);
const ACTION = /^(\*|[a-z0-9*?-]+:[a-z0-9*?]+)$/i;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Throws a PolicyError naming the exact element (e.g. `Statement[1].Condition`) that is wrong. */
export function validatePolicy(
  document: unknown,
  kind: PolicyKind,
  name?: string,
  options: ValidateOptions = {},
): asserts document is PolicyDocument {
  const variables: VariableRule = options.policyVariables === true ? 'ok' : 'off';
  const label = `${kind} policy${name === undefined ? '' : ` ${quote(name)}`}`;
  const fail = (path: string, problem: string): never => {
    throw new PolicyError(`${label}${path ? ` ${path}` : ''}: ${problem}`);
  };
  if (!isObject(document)) fail('', 'must be a JSON object');
  const doc = document as Json;
  unknownFields(doc, DOCUMENT_FIELDS, '', fail);
  if (doc.Version !== '2012-10-17')
    fail('Version', `must be '2012-10-17', got ${JSON.stringify(doc.Version)}`);
  if (!Array.isArray(doc.Statement) || doc.Statement.length === 0) {
    fail('Statement', 'must be a non-empty array of statements');
  }
  (doc.Statement as unknown[]).forEach((statement, index) =>
    validateStatement(statement, kind, `Statement[${index}]`, fail, variables),
  );
}

type Fail = (path: string, problem: string) => never;

function validateStatement(
  statement: unknown,
  kind: PolicyKind,
  path: string,
  fail: Fail,
  variables: VariableRule,
): void {
  if (!isObject(statement)) return fail(path, 'must be an object');
  unknownFields(statement, STATEMENT_FIELDS, path, fail);
  if (
    statement.Sid !== undefined &&
    (typeof statement.Sid !== 'string' || !/^[A-Za-z0-9]*$/.test(statement.Sid))
  ) {
    fail(`${path}.Sid`, 'must contain only letters and digits');
  }
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    fail(`${path}.Effect`, `must be 'Allow' or 'Deny', got ${JSON.stringify(statement.Effect)}`);
  }

  const principal = exactlyOne(statement, 'Principal', 'NotPrincipal', path, fail, kind !== 'identity');
  if (principal) validatePrincipal(statement[principal], `${path}.${principal}`, fail);

  const action = exactlyOne(statement, 'Action', 'NotAction', path, fail, true);
  for (const value of stringList(statement[action ?? 'Action'], `${path}.${action}`, fail)) {
    if (!ACTION.test(value)) fail(`${path}.${action}`, `${quote(value)} is not '*' or 'service:Action'`);
  }

  const resource = exactlyOne(statement, 'Resource', 'NotResource', path, fail, kind !== 'trust');
  if (resource) {
    const resourcePath = `${path}.${resource}`;
    for (const value of stringList(statement[resource], resourcePath, fail, variables)) {
      if (value !== '*' && !splitArn(withoutVariables(value)))
        fail(resourcePath, `${quote(value)} is not '*' or an ARN`);
    }
  }

  if (statement.Condition !== undefined)
    validateCondition(statement.Condition, `${path}.Condition`, fail, variables);
}

/** Returns the field present; `required` false means neither may be present. */
function exactlyOne(
  statement: Json,
  field: string,
  notField: string,
  path: string,
  fail: Fail,
  required: boolean,
): string | undefined {
  const present = [field, notField].filter((name) => statement[name] !== undefined);
  if (!required) {
    if (present.length > 0) fail(`${path}.${present[0]}`, 'is not allowed in this kind of policy');
    return undefined;
  }
  if (present.length !== 1) fail(path, `must have exactly one of ${field} or ${notField}`);
  return present[0];
}

function validatePrincipal(principal: unknown, path: string, fail: Fail): void {
  if (principal === '*') return;
  if (!isObject(principal) || Object.keys(principal).length === 0) {
    return fail(path, "must be '*' or an object with AWS, Service or Federated");
  }
  for (const [type, ids] of Object.entries(principal)) {
    if (!PRINCIPAL_TYPES.has(type))
      fail(`${path}.${type}`, 'unsupported principal type (use AWS, Service or Federated)');
    stringList(ids, `${path}.${type}`, fail);
  }
}

function validateCondition(condition: unknown, path: string, fail: Fail, variables: VariableRule): void {
  if (!isObject(condition)) return fail(path, 'must be an object of operator → { key: value(s) }');
  for (const [operatorName, keys] of Object.entries(condition)) {
    let operator;
    try {
      operator = parseOperator(operatorName);
    } catch (error) {
      return fail(path, (error as Error).message);
    }
    const operatorPath = `${path}.${operatorName}`;
    if (!isObject(keys) || Object.keys(keys).length === 0) {
      return fail(operatorPath, 'must be a non-empty object of context key → value(s)');
    }
    for (const [key, rawValues] of Object.entries(keys)) {
      const keyPath = `${operatorPath}['${key}']`;
      checkVariables(key, keyPath, fail, variables === 'off' ? 'off' : 'not-substituted');
      const values = Array.isArray(rawValues) ? rawValues : [rawValues];
      if (values.length === 0 || !values.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
        fail(keyPath, 'must be a string, number or boolean, or a non-empty array of them');
      }
      for (const value of asStrings(values as (string | number | boolean)[])) {
        checkVariables(
          value,
          keyPath,
          fail,
          variables === 'ok' && operator.base.variables === undefined ? 'wrong-operator' : variables,
        );
        const problem = operator.base.invalid?.(withoutVariables(value));
        if (problem) fail(keyPath, problem);
      }
    }
  }
}

function stringList(
  value: unknown,
  path: string,
  fail: Fail,
  rule: VariableRule = 'not-substituted',
): string[] {
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || !values.every((v) => typeof v === 'string' && v.length > 0)) {
    fail(path, 'must be a non-empty string or a non-empty array of them');
  }
  for (const v of values as string[]) checkVariables(v, path, fail, rule);
  return values as string[];
}

/**
 * Where a `${...}` may stand: `off` (validatePolicy without { policyVariables: true }), or an
 * element where IAM does not substitute ("IAM policy elements: Variables and tags": only
 * Resource/NotResource and String/ARN condition values), or where it does (`ok`).
 */
type VariableRule = 'off' | 'not-substituted' | 'wrong-operator' | 'ok';

function checkVariables(value: string, path: string, fail: Fail, rule: VariableRule): void {
  if (!hasPolicyVariable(value)) return;
  const refusal: Record<Exclude<VariableRule, 'ok'>, string> = {
    off: 'policy variables are refused unless validatePolicy is given { policyVariables: true }',
    'not-substituted': 'IAM does not substitute policy variables in this element',
    'wrong-operator': 'IAM substitutes policy variables only for String and ARN operators',
  };
  if (rule !== 'ok') fail(path, `${quote(value)} uses a policy variable; ${refusal[rule]}`);
  const problem = policyVariableProblem(value);
  if (problem) fail(path, problem);
}

function unknownFields(object: Json, allowed: ReadonlySet<string>, path: string, fail: Fail): void {
  for (const field of Object.keys(object)) {
    if (!allowed.has(field))
      fail(path || 'document', `unknown field ${quote(field)} (allowed: ${[...allowed].join(', ')})`);
  }
}
