// IAM's two wildcards: `*` matches any run of characters (including none), `?` exactly one.
// Neither stops at `/` or `:`; ARN matching gets its segment boundaries from matchArn below.
//
// Patterns come in two forms. Policy text is matched as written (matchWildcard, matchArn). A
// *glob* is policy text after policy variables were substituted (policy-variables.ts): there a
// backslash escapes the next character, so that `${*}` and a substituted value stay literal
// instead of turning into wildcards the policy author never wrote.

const compiled = new Map<string, RegExp>();

/** Policy text as a glob: only its own backslashes need escaping. */
export const globOf = (policyText: string): string => policyText.replace(/\\/g, '\\\\');

/** Text that must match literally inside a glob (a substituted value, `${*}`, `${?}`). */
export const escapeGlob = (text: string): string => text.replace(/[\\*?:]/g, '\\$&');

/** A glob read as a literal string (StringEquals compares with what the glob spells). */
export const unescapeGlob = (glob: string): string => glob.replace(/\\(.)/gs, '$1');

export function matchGlob(glob: string, value: string, ignoreCase = false): boolean {
  const cacheKey = `${ignoreCase ? 'i' : 's'}${glob}`;
  let regex = compiled.get(cacheKey);
  if (!regex) {
    let body = '';
    for (let i = 0; i < glob.length; i++) {
      const ch = glob[i] ?? '';
      if (ch === '\\' && i + 1 < glob.length) body += escapeRegex(glob[++i] ?? '');
      else body += ch === '*' ? '.*' : ch === '?' ? '.' : escapeRegex(ch);
    }
    regex = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    compiled.set(cacheKey, regex);
  }
  return regex.test(value);
}

const escapeRegex = (ch: string) => ch.replace(/[\\^$.|+()[\]{}*?]/g, '\\$&');

export function matchWildcard(pattern: string, value: string, ignoreCase = false): boolean {
  return matchGlob(globOf(pattern), value, ignoreCase);
}

/** An ARN has six colon-separated parts; the last (the resource) may itself contain colons. */
export function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** splitArn for a glob: an escaped colon (from a substituted value) does not end a part. */
function splitArnGlob(glob: string): string[] | undefined {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] ?? '';
    if (ch === '\\') {
      current += ch + (glob[++i] ?? '');
    } else if (ch === ':' && parts.length < 5) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.length === 6 && parts[0] === 'arn' ? parts : undefined;
}

/**
 * ArnLike / Resource matching: each of the six ARN parts is matched separately, case-sensitively,
 * so a `*` in the account part cannot swallow the region before it.
 */
export function matchArnGlob(glob: string, arn: string): boolean {
  if (glob === '*') return true;
  const patternParts = splitArnGlob(glob);
  const arnParts = splitArn(arn);
  if (!patternParts || !arnParts) return false;
  return patternParts.every((part, i) => matchGlob(part, arnParts[i] ?? ''));
}

export function matchArn(pattern: string, arn: string): boolean {
  return matchArnGlob(globOf(pattern), arn);
}
