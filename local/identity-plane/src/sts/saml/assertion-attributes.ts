// What the AWS attributes of a verified assertion decide: the role the call may take (a Role value
// must pair exactly the call's RoleArn with its PrincipalArn), the session's name, its length and
// its tags. Read only from a VerifiedSamlAssertion, i.e. from signed bytes.
import { accessDenied, invalidIdentityToken } from '../sts-error.ts';
import { AWS_SAML_ATTRIBUTES } from './aws-saml.ts';
import type { VerifiedSamlAssertion } from './verify-saml-response.ts';

const ACTION = 'sts:AssumeRoleWithSAML';
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const MAX_SESSION_TAGS = 50;

/** Each Role value as its role ARN and provider ARN; AWS accepts the two in either order. */
function rolePairs(assertion: VerifiedSamlAssertion): { role: string; provider: string }[] {
  return (assertion.attributes.get(AWS_SAML_ATTRIBUTES.role) ?? []).flatMap((value) => {
    const parts = value.split(',').map((part) => part.trim());
    const role = parts.find((part) => /^arn:aws[a-z-]*:iam::\d{12}:role\//.test(part));
    const provider = parts.find((part) => /^arn:aws[a-z-]*:iam::\d{12}:saml-provider\//.test(part));
    return parts.length === 2 && role && provider ? [{ role, provider }] : [];
  });
}

/** The call's RoleArn and PrincipalArn must be one of the pairs the IdP granted this user. */
export function requireRolePair(
  assertion: VerifiedSamlAssertion,
  roleArn: string,
  principalArn: string,
): void {
  const offered = rolePairs(assertion).filter((pair) => pair.role === roleArn);
  if (offered.length === 0) {
    throw accessDenied(
      'role-attribute',
      `Not authorized to perform ${ACTION} (role-attribute check: the assertion's Role attribute does not offer ${roleArn})`,
    );
  }
  if (!offered.some((pair) => pair.provider === principalArn)) {
    throw accessDenied(
      'role-attribute',
      `Not authorized to perform ${ACTION} (role-attribute check: the Role attribute pairs ${roleArn} with ` +
        `${offered.map((pair) => pair.provider).join(', ')}, not with the PrincipalArn ${principalArn})`,
    );
  }
}

function single(assertion: VerifiedSamlAssertion, name: string): string | undefined {
  const values = assertion.attributes.get(name) ?? [];
  if (values.length > 1) {
    throw invalidIdentityToken(
      'saml-format',
      `Invalid SAML response: ${name} has ${values.length} values (saml-format check)`,
    );
  }
  return values[0];
}

export function roleSessionName(assertion: VerifiedSamlAssertion): string {
  const name = single(assertion, AWS_SAML_ATTRIBUTES.roleSessionName);
  if (name === undefined) {
    throw invalidIdentityToken(
      'saml-format',
      'RoleSessionName is required in AuthnResponse (saml-format check)',
    );
  }
  if (!SESSION_NAME.test(name)) {
    throw invalidIdentityToken(
      'saml-format',
      `Invalid RoleSessionName ${JSON.stringify(name)} in AuthnResponse: 2-64 characters of [\\w+=,.@-] (saml-format check)`,
    );
  }
  return name;
}

/** The SessionDuration attribute (900 … 43 200 s), if the IdP sent one. */
export function sessionDurationAttribute(assertion: VerifiedSamlAssertion): number | undefined {
  const raw = single(assertion, AWS_SAML_ATTRIBUTES.sessionDuration);
  if (raw === undefined) return undefined;
  const seconds = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(seconds >= 900 && seconds <= 43_200)) {
    throw invalidIdentityToken(
      'saml-format',
      `Invalid SessionDuration ${JSON.stringify(raw)} in AuthnResponse: 900-43200 seconds (saml-format check)`,
    );
  }
  return seconds;
}

/** PrincipalTag:<key> attributes: the session tags (which need sts:TagSession in the trust policy). */
export function principalTags(assertion: VerifiedSamlAssertion): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [name, values] of assertion.attributes) {
    if (!name.startsWith(AWS_SAML_ATTRIBUTES.principalTagPrefix)) continue;
    const key = name.slice(AWS_SAML_ATTRIBUTES.principalTagPrefix.length);
    const value = values.length === 1 ? (values[0] as string) : undefined;
    if (!TAG_KEY.test(key) || value === undefined || !TAG_VALUE.test(value)) {
      throw invalidIdentityToken(
        'saml-format',
        `Invalid SAML response: the session tag ${JSON.stringify(key)} needs one value of at most 256 allowed characters (saml-format check)`,
      );
    }
    tags[key] = value;
  }
  if (Object.keys(tags).length > MAX_SESSION_TAGS) {
    throw invalidIdentityToken(
      'saml-format',
      `Invalid SAML response: more than ${MAX_SESSION_TAGS} session tags (saml-format check)`,
    );
  }
  return tags;
}
