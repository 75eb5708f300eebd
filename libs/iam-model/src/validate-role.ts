// The security rules every role must pass before the model hands it out. They are checks on the
// documents themselves, so a hand-edited or future role is held to the same bar.
import { validatePolicy, type OneOrMany, type Statement } from '@keyless/iam-policy';
import { IamModelError } from './iam-model-error.ts';
import type { RoleDefinition } from './model-types.ts';

const asArray = <T>(value: OneOrMany<T> | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const label = (statement: Statement, index: number) => (statement.Sid ? `'${statement.Sid}'` : `#${index}`);

function allowStatements(role: RoleDefinition) {
  return role.assumeRolePolicy.Statement.map((statement, index) => ({
    statement,
    at: label(statement, index),
  })).filter(({ statement }) => statement.Effect === 'Allow');
}

/** No Allow statement in the trust policy may trust everyone, everyone of a kind, or everyone but someone. */
export function assertNoWildcardPrincipal(role: RoleDefinition): void {
  for (const { statement, at } of allowStatements(role)) {
    const fail = (problem: string): never => {
      throw new IamModelError(`role '${role.name}': trust statement ${at} ${problem}`);
    };
    if (statement.NotPrincipal !== undefined)
      fail('uses NotPrincipal with Allow, which trusts every other principal');
    const principal = statement.Principal;
    if (principal === '*') fail("trusts Principal '*' (anyone)");
    for (const [type, ids] of Object.entries(principal ?? {})) {
      const wildcard = asArray(ids as OneOrMany<string>).find((id) => id.includes('*') || id.includes('?'));
      if (wildcard !== undefined) fail(`trusts a wildcard ${type} principal '${wildcard}'`);
    }
  }
}

const PINNING_OPERATORS = new Set(['StringEquals', 'StringLike']);

/**
 * Every Allow statement that trusts a web identity provider must pin both the token's `sub` and
 * its `aud` with StringEquals or StringLike. Without `sub` any workload of that issuer (any
 * GitHub repository, any pod of the cluster) could assume the role; IAM itself now refuses such
 * a trust policy for GitHub's issuer. IfExists and ForAllValues variants do not count: both
 * pass when the claim is missing. A SAML provider must pin `SAML:aud` (AWS's sign-in), so an
 * assertion the IdP made for another service provider cannot be replayed to AWS; which people
 * may take the role is the IdP's Role attribute, which STS checks against the call.
 */
export function assertWebIdentityTrustPinned(role: RoleDefinition): void {
  for (const { statement, at } of allowStatements(role)) {
    const federated = statement.Principal === '*' ? [] : asArray(statement.Principal?.Federated);
    for (const provider of federated) {
      if (/^arn:[^:]+:iam::\d{12}:saml-provider\/./.test(provider)) {
        if (!pins(statement, 'SAML:aud')) {
          throw new IamModelError(
            `role '${role.name}': trust statement ${at} trusts the SAML provider '${provider}' without pinning ` +
              `'SAML:aud' with StringEquals or StringLike; an assertion made for any other service provider could assume the role`,
          );
        }
        continue;
      }
      const issuer = issuerOf(provider);
      if (issuer === undefined) {
        throw new IamModelError(
          `role '${role.name}': trust statement ${at} trusts '${provider}', which is neither an OIDC nor a SAML provider`,
        );
      }
      for (const claim of ['sub', 'aud']) {
        if (!pins(statement, `${issuer}:${claim}`)) {
          throw new IamModelError(
            `role '${role.name}': trust statement ${at} trusts web identities from '${issuer}' without pinning ` +
              `'${issuer}:${claim}' with StringEquals or StringLike; any token that issuer signs could assume the role`,
          );
        }
      }
    }
  }
}

/** `arn:...:oidc-provider/<issuer>` → issuer; the built-in providers are their own prefix. */
function issuerOf(provider: string): string | undefined {
  const oidc = /^arn:[^:]+:iam::\d{12}:oidc-provider\/(.+)$/.exec(provider);
  if (oidc) return oidc[1];
  return provider.startsWith('arn:') ? undefined : provider;
}

function pins(statement: Statement, key: string): boolean {
  return Object.entries(statement.Condition ?? {}).some(
    ([operator, keys]) =>
      PINNING_OPERATORS.has(operator) &&
      Object.entries(keys).some(
        ([name, values]) =>
          name.toLowerCase() === key.toLowerCase() &&
          asArray(values).every((value) => /[^*?]/.test(String(value))),
      ),
  );
}

/**
 * Permission policies grant named actions on named resources: no wildcard actions, no
 * Resource "*", no NotAction/NotResource in an Allow (both grant everything not listed).
 * Deny statements may be as broad as they like.
 */
export function assertLeastPrivilege(role: RoleDefinition): void {
  for (const [policyName, policy] of Object.entries(role.policies)) {
    policy.Statement.forEach((statement, index) => {
      if (statement.Effect !== 'Allow') return;
      const fail = (problem: string): never => {
        throw new IamModelError(
          `role '${role.name}': policy '${policyName}' statement ${label(statement, index)} ${problem}`,
        );
      };
      if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
        fail('allows with NotAction/NotResource, which grants everything not listed');
      }
      const action = asArray(statement.Action).find((name) => /[*?]/.test(name));
      if (action !== undefined) fail(`allows the wildcard action '${action}'; name each action`);
      if (asArray(statement.Resource).includes('*')) fail("allows Resource '*'; scope it to ARNs");
    });
  }
}

const MIN_SESSION_SECONDS = 3600;
const MAX_SESSION_SECONDS = 43_200;

/** All the rules above, plus the documents' own validity. */
export function validateRole(role: RoleDefinition): void {
  validatePolicy(role.assumeRolePolicy, 'trust', `${role.name} trust`);
  for (const [name, policy] of Object.entries(role.policies))
    validatePolicy(policy, 'identity', `${role.name}/${name}`);
  assertNoWildcardPrincipal(role);
  assertWebIdentityTrustPinned(role);
  assertLeastPrivilege(role);
  const seconds = role.maxSessionDurationSeconds;
  if (!Number.isInteger(seconds) || seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS) {
    throw new IamModelError(
      `role '${role.name}': maxSessionDurationSeconds must be a whole number from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS} (IAM's range)`,
    );
  }
}
