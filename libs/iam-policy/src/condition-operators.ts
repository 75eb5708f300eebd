// The condition operators of "IAM JSON policy elements: Condition operators", each as a
// comparison of ONE request value with ONE policy value. How several values combine (OR, NOR,
// ForAnyValue, ForAllValues) and what an absent key means lives in evaluate-conditions.ts.
import { PolicyError } from './policy-error.ts';
import { matchArnGlob, matchGlob, splitArn } from './wildcard-match.ts';

export interface BaseOperator {
  /**
   * The negated matching operators (StringNotEquals, ArnNotLike, ...): several policy values
   * combine with NOR instead of OR, and an absent key makes the condition true.
   */
  negated: boolean;
  /**
   * Where policy variables may appear ("IAM policy elements: Variables and tags": String and ARN
   * operators only), and so what `test` receives: `literal` the value as spelled after
   * substitution, `pattern` a glob (wildcard-match.ts). Undefined: no variables, the raw value.
   */
  variables?: 'literal' | 'pattern';
  /** Compares with the positive form; `negated` is applied by the caller. */
  test(requestValue: string, policyValue: string): boolean;
  /** A problem with a policy value, or undefined when it is valid. */
  invalid?(policyValue: string): string | undefined;
  /** "'a'", "a match for 'repo:o/r:*'", "a number < 10": what the condition asks for. */
  describe(policyValues: readonly string[]): string;
}

export interface ParsedOperator {
  /** As written in the policy, e.g. "ForAnyValue:StringLikeIfExists". */
  name: string;
  set?: 'ForAnyValue' | 'ForAllValues';
  ifExists: boolean;
  /** Null tests presence, not value, and so follows its own rules. */
  isNull: boolean;
  base: BaseOperator;
}

export const quote = (value: string): string => `'${value}'`;

function list(values: readonly string[]): string {
  return values.length === 1 ? quote(values[0] ?? '') : `[${values.map(quote).join(', ')}]`;
}

const oneOf = (values: readonly string[]) => (values.length === 1 ? list(values) : `one of ${list(values)}`);
const noneOf = (values: readonly string[]) =>
  values.length === 1 ? `anything but ${list(values)}` : `none of ${list(values)}`;

const sameIgnoringCase = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function parseNumber(value: string): number | undefined {
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(value) ? Number(value) : undefined;
}

/** IAM dates: ISO 8601 (a date, optionally with time) or UNIX epoch seconds. */
function parseDate(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function stringOp(negated: boolean, test: BaseOperator['test'], suffix = ''): BaseOperator {
  return {
    negated,
    variables: 'literal',
    test,
    describe: (values) => `${negated ? noneOf(values) : oneOf(values)}${suffix}`,
  };
}

function likeOp(negated: boolean): BaseOperator {
  return {
    negated,
    variables: 'pattern',
    test: (value, glob) => matchGlob(glob, value),
    describe: (values) =>
      negated
        ? `no match for ${values.length === 1 ? '' : 'any of '}${list(values)}`
        : `a match for ${oneOf(values)}`,
  };
}

function compareOp(
  kind: 'number' | 'date',
  symbol: string,
  compare: (request: number, policy: number) => boolean,
  negated = false,
): BaseOperator {
  const parse = kind === 'number' ? parseNumber : parseDate;
  return {
    negated,
    test: (value, policyValue) => {
      const request = parse(value);
      const policy = parse(policyValue);
      return request !== undefined && policy !== undefined && compare(request, policy);
    },
    invalid: (policyValue) =>
      parse(policyValue) === undefined
        ? `${quote(policyValue)} is not a ${kind === 'number' ? 'number' : 'date (ISO 8601 or epoch seconds)'}`
        : undefined,
    describe: (values) => `a ${kind} ${symbol} ${values.length === 1 ? values[0] : list(values)}`,
  };
}

function arnOp(negated: boolean): BaseOperator {
  return {
    negated,
    variables: 'pattern',
    test: (value, glob) => matchArnGlob(glob, value),
    invalid: (pattern) =>
      splitArn(pattern)
        ? undefined
        : `${quote(pattern)} is not an ARN (arn:partition:service:region:account:resource)`,
    describe: (values) =>
      negated
        ? `an ARN matching ${values.length === 1 ? 'anything but' : 'none of'} ${list(values)}`
        : `an ARN matching ${oneOf(values)}`,
  };
}

const booleanOp: BaseOperator = {
  negated: false,
  test: sameIgnoringCase,
  invalid: (value) => (/^(true|false)$/i.test(value) ? undefined : `${quote(value)} is not true or false`),
  describe: oneOf,
};

const nullOp: BaseOperator = {
  negated: false,
  // Never called with a value: Null is decided by presence in evaluate-conditions.ts.
  test: () => false,
  invalid: booleanOp.invalid,
  describe: (values) =>
    values.every((v) => v.toLowerCase() === 'true') ? 'the key to be absent' : 'the key to be present',
};

const BASE_OPERATORS: Readonly<Record<string, BaseOperator>> = {
  StringEquals: stringOp(false, (a, b) => a === b),
  StringNotEquals: stringOp(true, (a, b) => a === b),
  StringEqualsIgnoreCase: stringOp(false, sameIgnoringCase, ' (ignoring case)'),
  StringNotEqualsIgnoreCase: stringOp(true, sameIgnoringCase, ' (ignoring case)'),
  StringLike: likeOp(false),
  StringNotLike: likeOp(true),
  NumericEquals: compareOp('number', '=', (a, b) => a === b),
  NumericNotEquals: compareOp('number', '≠', (a, b) => a === b, true),
  NumericLessThan: compareOp('number', '<', (a, b) => a < b),
  NumericLessThanEquals: compareOp('number', '≤', (a, b) => a <= b),
  NumericGreaterThan: compareOp('number', '>', (a, b) => a > b),
  NumericGreaterThanEquals: compareOp('number', '≥', (a, b) => a >= b),
  DateEquals: compareOp('date', '=', (a, b) => a === b),
  DateNotEquals: compareOp('date', '≠', (a, b) => a === b, true),
  DateLessThan: compareOp('date', '<', (a, b) => a < b),
  DateLessThanEquals: compareOp('date', '≤', (a, b) => a <= b),
  DateGreaterThan: compareOp('date', '>', (a, b) => a > b),
  DateGreaterThanEquals: compareOp('date', '≥', (a, b) => a >= b),
  Bool: booleanOp,
  // AWS documents ArnEquals and ArnLike as the same comparison (wildcards allowed in both).
  ArnEquals: arnOp(false),
  ArnLike: arnOp(false),
  ArnNotEquals: arnOp(true),
  ArnNotLike: arnOp(true),
  Null: nullOp,
};

export function parseOperator(name: string): ParsedOperator {
  const setMatch = /^(ForAnyValue|ForAllValues):(.*)$/.exec(name);
  const set = setMatch?.[1] as ParsedOperator['set'];
  let baseName = setMatch?.[2] ?? name;
  const ifExists = baseName.endsWith('IfExists');
  if (ifExists) baseName = baseName.slice(0, -'IfExists'.length);

  const base = BASE_OPERATORS[baseName];
  if (!base) {
    throw new PolicyError(
      `unsupported condition operator ${quote(name)}; supported: ${Object.keys(BASE_OPERATORS).join(', ')}, ` +
        'each optionally with the IfExists suffix and the ForAnyValue:/ForAllValues: prefix',
    );
  }
  const isNull = baseName === 'Null';
  if (isNull && (set || ifExists)) {
    throw new PolicyError(
      `condition operator ${quote(name)}: Null takes neither IfExists nor a set operator`,
    );
  }
  return { name, set, ifExists, isNull, base };
}
