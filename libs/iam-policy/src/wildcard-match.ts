// IAM's two wildcards: `*` matches any run of characters (including none), `?` exactly one.
// Neither stops at `/` or `:`; ARN matching gets its segment boundaries from matchArn below.

const compiled = new Map<string, RegExp>();

export function matchWildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const cacheKey = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = compiled.get(cacheKey);
  if (!regex) {
    const body = pattern
      .split('')
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    compiled.set(cacheKey, regex);
  }
  return regex.test(value);
}

/** An ARN has six colon-separated parts; the last (the resource) may itself contain colons. */
export function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * ArnLike / Resource matching: each of the six ARN parts is matched separately, case-sensitively,
 * so a `*` in the account part cannot swallow the region before it.
 */
export function matchArn(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const patternParts = splitArn(pattern);
  const arnParts = splitArn(arn);
  if (!patternParts || !arnParts) return false;
  return patternParts.every((part, i) => matchWildcard(part, arnParts[i] ?? ''));
}
