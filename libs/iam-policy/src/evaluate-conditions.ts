// How a Condition block combines, per "Conditions with multiple context keys or values",
// "...IfExists condition operators", "Condition operator to check existence of condition keys"
// and "Single-valued vs. multivalued context keys" in the IAM User Guide:
//   - operators AND, keys within an operator AND, values for one key OR (NOR when negated);
//   - an absent key fails a positive operator and satisfies a negated one; ...IfExists satisfies both;
//   - ForAnyValue: some request value matches (false when the key is absent);
//     ForAllValues: every request value matches (true when the key is absent).
// Policy variables in the values are substituted first (policy-variables.ts); a value whose
// variable has no request value matches nothing, which a negated operator counts as "not equal".
import { parseOperator, quote, type ParsedOperator } from './condition-operators.ts';
import { PolicyError } from './policy-error.ts';
import { describeMissing, substituteVariables } from './policy-variables.ts';
import { unescapeGlob } from './wildcard-match.ts';
import type { ConditionBlock, ConditionValue, OneOrMany, RequestContext } from './types.ts';

/** Context keys are case-insensitive in IAM; values are not. Absent keys map to []. */
export type NormalizedContext = ReadonlyMap<string, readonly string[]>;

export function normalizeContext(context: RequestContext = {}): NormalizedContext {
  const normalized = new Map<string, readonly string[]>();
  for (const [key, value] of Object.entries(context)) {
    const lower = key.toLowerCase();
    if (normalized.has(lower)) {
      throw new PolicyError(
        `request context has the key ${quote(key)} twice (context keys are case-insensitive)`,
      );
    }
    normalized.set(lower, value === undefined ? [] : typeof value === 'string' ? [value] : [...value]);
  }
  return normalized;
}

export function asStrings(values: OneOrMany<ConditionValue>): string[] {
  return (Array.isArray(values) ? values : [values]).map(String);
}

/** Every failed check in the block, described for a human; empty when the block is satisfied. */
export function conditionFailures(block: ConditionBlock | undefined, context: NormalizedContext): string[] {
  const failures: string[] = [];
  for (const [operatorName, keys] of Object.entries(block ?? {})) {
    const operator = parseOperator(operatorName);
    for (const [key, rawValues] of Object.entries(keys)) {
      const failure = checkKey(
        operator,
        key,
        asStrings(rawValues),
        context.get(key.toLowerCase()) ?? [],
        context,
      );
      if (failure) failures.push(failure);
    }
  }
  return failures;
}

interface PreparedValues {
  /** What `test` compares with; a value whose variable has no request value is left out. */
  comparable: string[];
  /** What the reason shows: the values with their variables substituted. */
  shown: string[];
  /** ", and '${aws:username}/*' matches nothing because ..." when a variable had no value. */
  note: string;
}

function prepareValues(
  operator: ParsedOperator,
  policyValues: readonly string[],
  context: NormalizedContext,
): PreparedValues {
  const mode = operator.base.variables;
  if (!mode) return { comparable: [...policyValues], shown: [...policyValues], note: '' };
  const comparable: string[] = [];
  const shown: string[] = [];
  const notes: string[] = [];
  for (const value of policyValues) {
    const substitution = substituteVariables(value, context);
    shown.push(substitution.shown);
    if (substitution.glob === undefined) notes.push(describeMissing(substitution));
    else comparable.push(mode === 'pattern' ? substitution.glob : unescapeGlob(substitution.glob));
  }
  return { comparable, shown, note: notes.map((n) => ` (${n})`).join('') };
}

function checkKey(
  operator: ParsedOperator,
  key: string,
  rawPolicyValues: readonly string[],
  requestValues: readonly string[],
  context: NormalizedContext,
): string | undefined {
  const prepared = prepareValues(operator, rawPolicyValues, context);
  const policyValues = prepared.comparable;
  const absent = requestValues.length === 0;
  const expected = `condition ${operator.name} on ${quote(key)} expected`;
  const got =
    (absent ? 'but the key is absent from the request' : `got ${formatValues(requestValues)}`) +
    prepared.note;

  if (operator.isNull) {
    const wantsAbsent = policyValues.map((v) => v.toLowerCase() === 'true');
    return wantsAbsent.includes(absent)
      ? undefined
      : `${expected} ${operator.base.describe(prepared.shown)}, ${got}`;
  }

  const wanted = operator.base.describe(prepared.shown);
  const valueMatches = (value: string) => {
    const matchesAny = policyValues.some((policyValue) => operator.base.test(value, policyValue));
    return operator.base.negated ? !matchesAny : matchesAny;
  };

  if (absent) {
    if (operator.ifExists || operator.set === 'ForAllValues') return undefined;
    if (operator.set === 'ForAnyValue') return `${expected} at least one value to be ${wanted}, ${got}`;
    return operator.base.negated ? undefined : `${expected} ${wanted}, ${got}`;
  }

  if (operator.set === 'ForAnyValue') {
    return requestValues.some(valueMatches)
      ? undefined
      : `${expected} at least one value to be ${wanted}, ${got}`;
  }
  if (operator.set === 'ForAllValues') {
    const misfit = requestValues.find((value) => !valueMatches(value));
    return misfit === undefined
      ? undefined
      : `${expected} every value to be ${wanted}, but ${quote(misfit)} is not (${got})`;
  }

  if (requestValues.length > 1) {
    throw new PolicyError(
      `condition ${operator.name} on ${quote(key)}: the request has ${requestValues.length} values ` +
        `${formatValues(requestValues)} for this key, and a multivalued key needs ForAnyValue: or ForAllValues:`,
    );
  }
  const [value = ''] = requestValues;
  return valueMatches(value) ? undefined : `${expected} ${wanted}, ${got}`;
}

function formatValues(values: readonly string[]): string {
  return values.length === 1 ? quote(values[0] ?? '') : `[${values.map(quote).join(', ')}]`;
}
