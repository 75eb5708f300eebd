// Parameters end up inside ARNs and condition values, so a stray '*', a scheme on an issuer or a
// 'https://' typo would silently widen or break a policy. Refuse them up front, all at once.
import { IamModelError } from './iam-model-error.ts';
import type { IamModelParams } from './model-types.ts';

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

export function validateParams(params: IamModelParams): void {
  const problems: string[] = [];
  const check = (ok: boolean, field: string, value: unknown, expected: string) => {
    if (!ok) problems.push(`${field} ${JSON.stringify(value)}: expected ${expected}`);
  };
  const name = (field: string, value: string | undefined) =>
    value === undefined || check(PLAIN_NAME.test(value), field, value, 'letters, digits and . _ / - only');
  const issuer = (field: string, value: string) =>
    check(
      /^[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~-]+)*$/.test(value),
      field,
      value,
      "host[:port][/path] without scheme or trailing slash, e.g. 'oidc.eks.eu-west-1.amazonaws.com/id/ABC'",
    );

  check(
    /^aws(-[a-z]+)*$/.test(params.partition),
    'partition',
    params.partition,
    "'aws', 'aws-cn', 'aws-us-gov', ...",
  );
  check(/^\d{12}$/.test(params.accountId), 'accountId', params.accountId, 'twelve digits');
  check(
    /^[a-z]{2}(-[a-z]+)+-\d+$/.test(params.region),
    'region',
    params.region,
    "a region such as 'eu-west-1'",
  );
  issuer('eksOidcIssuer', params.eksOidcIssuer);
  issuer('githubOidcIssuer', params.githubOidcIssuer);
  check(
    /^[A-Za-z0-9](-?[A-Za-z0-9])*$/.test(params.github.owner),
    'github.owner',
    params.github.owner,
    'a GitHub user or organization name',
  );
  check(
    /^[A-Za-z0-9._-]+$/.test(params.github.repo),
    'github.repo',
    params.github.repo,
    'a GitHub repository name',
  );
  const ids = params.github.immutableIds;
  if (ids) {
    check(/^\d+$/.test(ids.ownerId), 'github.immutableIds.ownerId', ids.ownerId, 'a numeric GitHub ID');
    check(/^\d+$/.test(ids.repoId), 'github.immutableIds.repoId', ids.repoId, 'a numeric GitHub ID');
  }
  for (const [field, value] of Object.entries(params.names)) name(`names.${field}`, value);
  name('lambdaFunctionName', params.lambdaFunctionName);
  name('eksClusterName', params.eksClusterName);
  name('ecsClusterName', params.ecsClusterName);
  name('stackNamePrefix', params.stackNamePrefix);
  if (params.samlProviderName !== undefined)
    check(
      /^[\w.-]{1,128}$/.test(params.samlProviderName),
      'samlProviderName',
      params.samlProviderName,
      'letters, digits and . _ - only',
    );
  if (params.operatorSubjectPattern !== undefined)
    check(
      /[^*?]/.test(params.operatorSubjectPattern),
      'operatorSubjectPattern',
      params.operatorSubjectPattern,
      'a NameID pattern that is more than wildcards',
    );

  if (problems.length > 0) throw new IamModelError(`invalid IAM model parameters: ${problems.join('; ')}`);
}
