// Policy variables, per "IAM policy elements: Variables and tags" (IAM User Guide):
//   - `${key}` is replaced by the request's value for `key` (names case-insensitive), in the
//     Resource / NotResource elements and in values of the String and ARN condition operators;
//   - `${key, 'default'}` uses the default when the key is absent;
//   - `${*}`, `${?}` and `${$}` stand for a literal `*`, `?` and `$`;
//   - a key with no value makes the element match nothing ("There is no equal or like value"),
//     so StringEquals/StringLike fail while StringNotEquals/StringNotLike hold;
//   - only single-valued keys may be used as variables.
// A substituted value is matched literally: the page only documents wildcards the author wrote,
// and a `*` arriving in a request value must not widen what the policy grants.
import { quote } from './condition-operators.ts';
import type { NormalizedContext } from './evaluate-conditions.ts';
import { PolicyError } from './policy-error.ts';
import { escapeGlob, globOf } from './wildcard-match.ts';

const VARIABLE = /\$\{([^}]*)\}/g;
const INNER = /^\s*([^\s,']+)\s*(?:,\s*'([^']*)'\s*)?$/;
const LITERALS: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

interface Variable {
  key: string;
  fallback?: string;
}

export const hasPolicyVariable = (text: string): boolean => text.includes('${');

/** A problem with the variables' syntax in `text`, or undefined when they are well-formed. */
export function policyVariableProblem(text: string): string | undefined {
  const rest = text.replace(VARIABLE, (whole, inner: string) => (parseInner(inner) ? '' : whole));
  if (rest.includes('${')) {
    return `${quote(text)} has a malformed policy variable (write \${key} or \${key, 'default'})`;
  }
  return undefined;
}

function parseInner(inner: string): Variable | undefined {
  const match = INNER.exec(inner);
  if (!match?.[1]) return undefined;
  return match[2] === undefined ? { key: match[1] } : { key: match[1], fallback: match[2] };
}

/** `text` with every variable replaced by a plain `x`: for checks of the shape (is it an ARN?). */
export const withoutVariables = (text: string): string => text.replace(VARIABLE, 'x');

export interface Substitution {
  /** The element as a glob (see wildcard-match.ts), or undefined when a variable has no value. */
  glob?: string;
  /** For messages: the element with its variables replaced, or the keys that had no value. */
  shown: string;
  missing: string[];
}

export function substituteVariables(text: string, context: NormalizedContext): Substitution {
  if (!hasPolicyVariable(text)) return { glob: globOf(text), shown: text, missing: [] };
  const missing: string[] = [];
  let glob = '';
  let shown = '';
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    const literal = text.slice(last, match.index);
    glob += globOf(literal);
    shown += literal;
    last = match.index + match[0].length;
    const variable = parseInner(match[1] ?? '');
    if (!variable)
      throw new PolicyError(policyVariableProblem(text) ?? `bad policy variable in ${quote(text)}`);
    const value = valueOf(variable, context, text);
    if (value === undefined) {
      missing.push(variable.key);
      continue;
    }
    glob += escapeGlob(value);
    shown += value;
  }
  const tail = text.slice(last);
  glob += globOf(tail);
  shown += tail;
  return missing.length > 0 ? { shown: text, missing } : { glob, shown, missing };
}

function valueOf({ key, fallback }: Variable, context: NormalizedContext, text: string): string | undefined {
  const literal = LITERALS[key];
  if (literal !== undefined) return literal;
  const values = context.get(key.toLowerCase()) ?? [];
  if (values.length > 1) {
    throw new PolicyError(
      `${quote(text)} uses the multivalued key ${quote(key)} as a policy variable; only single-valued keys can be`,
    );
  }
  return values[0] ?? fallback;
}

/** How a missing variable reads in a reason. */
export function describeMissing(substitution: Substitution): string {
  const keys = substitution.missing.map(quote).join(' and ');
  return `${quote(substitution.shown)} matches nothing because ${keys} ${substitution.missing.length === 1 ? 'is' : 'are'} absent from the request`;
}
