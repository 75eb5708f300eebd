// IAM's wildcard matching, as it applies to actions and resource ARNs: `*` is any run of
// characters (`/` and `:` included), `?` any one character. Actions compare case-insensitively,
// ARNs case-sensitively.

const regexOf = (pattern: string, flags: string) =>
  new RegExp(
    `^${pattern
      .split('')
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    flags,
  );

const cache = new Map<string, RegExp>();

function compiled(pattern: string, flags: string): RegExp {
  const key = `${flags}\u0000${pattern}`;
  let regex = cache.get(key);
  if (!regex) {
    regex = regexOf(pattern, flags);
    cache.set(key, regex);
  }
  return regex;
}

export const hasWildcard = (pattern: string) => /[*?]/.test(pattern);

/** Whether an ARN (or any string: a grant's own pattern, say) matches an IAM resource pattern. */
export function resourceMatches(pattern: string, arn: string): boolean {
  return hasWildcard(pattern) ? compiled(pattern, 's').test(arn) : pattern === arn;
}

/** Whether `service:Action` matches an IAM action pattern (`s3:Get*`), case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  return hasWildcard(pattern)
    ? compiled(pattern, 'is').test(action)
    : pattern.toLowerCase() === action.toLowerCase();
}
