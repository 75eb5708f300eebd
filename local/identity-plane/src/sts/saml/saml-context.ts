// The request context STS builds from a verified SAML assertion ("Available keys for SAML-based
// AWS STS federation", IAM User Guide). A trust policy condition on a key not listed here finds
// it absent, as on AWS.
import { createHash } from 'node:crypto';
import type { RequestContext } from '@keyless/iam-policy';
import type { RegisteredSamlProvider } from './saml-provider.ts';
import type { VerifiedSamlAssertion } from './verify-saml-response.ts';

/** AWS's NameQualifier: BASE64(SHA1(issuer + account id + "/" + provider name)), a stable user key per provider. */
export function samlNameQualifier(
  issuer: string,
  provider: Pick<RegisteredSamlProvider, 'accountId' | 'name'>,
): string {
  return createHash('sha1').update(`${issuer}${provider.accountId}/${provider.name}`).digest('base64');
}

export function samlContext(
  assertion: VerifiedSamlAssertion,
  provider: RegisteredSamlProvider,
): RequestContext {
  return {
    'SAML:aud': assertion.recipient,
    'SAML:iss': assertion.issuer,
    'SAML:sub': assertion.subject,
    'SAML:sub_type': assertion.subjectType,
    'SAML:namequalifier': samlNameQualifier(assertion.issuer, provider),
  };
}
