// Just enough of DynamoDB's expression grammar to name what a request touches: the top-level
// attributes of projection and update expressions, and the equality conditions of a key
// condition (one of which constrains the partition key).

export type AttributeNames = Readonly<Record<string, string>>;

/** Splits on `separator` outside parentheses and brackets (`list_append(a, :v)` stays whole). */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(' || char === '[') depth += 1;
    if (char === ')' || char === ']') depth -= 1;
    if (char === separator && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter(Boolean);
}

/** `#a.b[2]` → the attribute `#a` stands for (or the literal name), undefined when unresolvable. */
function topLevelName(path: string, names: AttributeNames): string | undefined {
  const first = path.trim().split(/[.[\s]/, 1)[0] ?? '';
  if (first === '') return undefined;
  if (first.startsWith('#')) return names[first];
  return first;
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}

export function projectionAttributes(expression: string, names: AttributeNames): string[] {
  return unique(splitTopLevel(expression, ',').map((path) => topLevelName(path, names)));
}

/** The attributes an update expression writes or removes (not the ones it only reads). */
export function updatedAttributes(expression: string, names: AttributeNames): string[] {
  const clauses = expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/i).slice(1);
  const found: Array<string | undefined> = [];
  for (let i = 0; i + 1 < clauses.length; i += 2) {
    const keyword = (clauses[i] ?? '').toUpperCase();
    for (const action of splitTopLevel(clauses[i + 1] ?? '', ',')) {
      const target = keyword === 'SET' ? action.split('=', 1)[0] : action;
      found.push(topLevelName(target ?? '', names));
    }
  }
  return unique(found);
}

export interface KeyEquality {
  attribute: string;
  /** The `:placeholder` it is compared with. */
  placeholder: string;
}

/** The `name = :value` conditions of a KeyConditionExpression (sort key ranges are not equalities). */
export function keyEqualities(expression: string, names: AttributeNames): KeyEquality[] {
  const found: KeyEquality[] = [];
  for (const condition of expression.split(/\s+AND\s+/i)) {
    const match = /^\(?\s*([#:]?[\w.-]+)\s*=\s*([#:]?[\w.-]+)\s*\)?$/.exec(condition.trim());
    if (!match) continue;
    const [left = '', right = ''] = [match[1], match[2]];
    const [path, placeholder] = left.startsWith(':') ? [right, left] : [left, right];
    const attribute = topLevelName(path, names);
    if (attribute && placeholder.startsWith(':')) found.push({ attribute, placeholder });
  }
  return found;
}
