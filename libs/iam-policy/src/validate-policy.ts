// Structural checks before evaluation, so a typo ("Actions", "StringEqual") or an unsupported
// feature (policy variables) is a clear error instead of a statement that silently never matches.
import { asStrings } from './evaluate-conditions.ts';
import { parseOperator, quote } from './condition-operators.ts';
import { PolicyError } from './policy-error.ts';
import { splitArn } from './wildcard-match.ts';
import type { PolicyDocument } from './types.ts';

/** A role trust policy names principals and no resources; an identity policy the reverse. */
export type PolicyKind = 'trust' | 'identity';

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
): asserts document is PolicyDocument {
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
    validateStatement(statement, kind, `Statement[${index}]`, fail),
  );
}

type Fail = (path: string, problem: string) => never;

function validateStatement(statement: unknown, kind: PolicyKind, path: string, fail: Fail): void {
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

  const principal = exactlyOne(statement, 'Principal', 'NotPrincipal', path, fail, kind === 'trust');
  if (principal) validatePrincipal(statement[principal], `${path}.${principal}`, fail);

  const action = exactlyOne(statement, 'Action', 'NotAction', path, fail, true);
  for (const value of stringList(statement[action ?? 'Action'], `${path}.${action}`, fail)) {
    if (!ACTION.test(value)) fail(`${path}.${action}`, `${quote(value)} is not '*' or 'service:Action'`);
  }

  const resource = exactlyOne(statement, 'Resource', 'NotResource', path, fail, kind === 'identity');
  if (resource) {
    for (const value of stringList(statement[resource], `${path}.${resource}`, fail)) {
      if (value !== '*' && !splitArn(value))
        fail(`${path}.${resource}`, `${quote(value)} is not '*' or an ARN`);
    }
  }

  if (statement.Condition !== undefined) validateCondition(statement.Condition, `${path}.Condition`, fail);
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

function validateCondition(condition: unknown, path: string, fail: Fail): void {
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
      rejectVariables(key, keyPath, fail);
      const values = Array.isArray(rawValues) ? rawValues : [rawValues];
      if (values.length === 0 || !values.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
        fail(keyPath, 'must be a string, number or boolean, or a non-empty array of them');
      }
      for (const value of asStrings(values as (string | number | boolean)[])) {
        rejectVariables(value, keyPath, fail);
        const problem = operator.base.invalid?.(value);
        if (problem) fail(keyPath, problem);
      }
    }
  }
}

function stringList(value: unknown, path: string, fail: Fail): string[] {
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || !values.every((v) => typeof v === 'string' && v.length > 0)) {
    fail(path, 'must be a non-empty string or a non-empty array of them');
  }
  for (const v of values as string[]) rejectVariables(v, path, fail);
  return values as string[];
}

function rejectVariables(value: string, path: string, fail: Fail): void {
  if (value.includes('${')) {
    fail(path, `${quote(value)} uses a policy variable, which this evaluator does not support`);
  }
}

function unknownFields(object: Json, allowed: ReadonlySet<string>, path: string, fail: Fail): void {
  for (const field of Object.keys(object)) {
    if (!allowed.has(field))
      fail(path || 'document', `unknown field ${quote(field)} (allowed: ${[...allowed].join(', ')})`);
  }
}
