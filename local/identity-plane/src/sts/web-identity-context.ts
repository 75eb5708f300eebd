// The request context STS builds from a verified web-identity token, keyed `<provider URL>:<claim>`
// as in "Available keys for AWS OIDC federation" (IAM User Guide). A trust policy condition on a
// key that is not listed here finds it absent, as it would on AWS.
import type { RequestContext } from '@keyless/iam-policy';
import type { VerifiedWebIdentity } from './verify-web-identity.ts';

/**
 * The GitHub claims STS exposes as condition keys for token.actions.githubusercontent.com (AWS,
 * January 2026: "AWS STS supports validation of select identity provider claims").
 */
export const GITHUB_CLAIM_KEYS = [
  'actor',
  'actor_id',
  'enterprise_id',
  'environment',
  'job_workflow_ref',
  'ref',
  'repository',
  'repository_id',
  'workflow',
];

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

function asContextValue(value: unknown): string | string[] | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  return undefined;
}

export function webIdentityContext(
  { claims, provider, audience }: VerifiedWebIdentity,
  githubIssuers: readonly string[],
): RequestContext {
  const key = (name: string) => `${provider.url}:${name}`;
  const context: Record<string, string | string[] | undefined> = {
    [key('sub')]: claims.sub,
    [key('aud')]: audience,
    // With an azp, `aud` carries azp and `oaud` the token's own audience.
    [key('oaud')]: typeof claims.azp === 'string' ? asContextValue(claims.aud) : undefined,
    [key('amr')]: asContextValue(claims.amr),
    [key('email')]: asContextValue(claims.email),
  };
  if (githubIssuers.includes(claims.iss)) {
    for (const claim of GITHUB_CLAIM_KEYS) context[key(claim)] = asContextValue(claims[claim]);
  }
  return context;
}
